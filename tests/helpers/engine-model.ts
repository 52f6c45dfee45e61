/**
 * `pulumi up`, `preview` and `destroy` of a declared program, calling the real dynamic-provider
 * plugin the way the engine does (engine-loop.ts says which engine source each behaviour models):
 * the program registers each resource once its dependencies are done, the step generator makes
 * one Check at a time in registration order (and Diff for a resource in the state), and the
 * step's Create/Update runs on one of --parallel workers.
 */
import { CanceledError, DeploymentLoop, Generated, Handoff } from "./engine-loop";
import { ProviderCalls } from "./dynamic-provider";

type Props = Record<string, unknown>;
export type ResourceType = "Vlan" | "SwitchPort" | "DeviceTags";

export interface ModelResource {
  name: string;
  type: ResourceType;
  /** The inputs, or a function of the outputs of `dependsOn` (an input that is another resource's output). */
  inputs: Props | ((outputs: Record<string, Props>) => Props);
  dependsOn?: string[];
}

export interface StateEntry {
  type: ResourceType;
  id: string;
  inputs: Props;
  outputs: Props;
  dependsOn: string[];
}

export type State = Record<string, StateEntry>;

export interface RunOptions {
  parallel: number;
  handoff?: Handoff;
  /** `pulumi preview`: Check and Diff only. */
  preview?: boolean;
  /** `--target`: only these resources are checked and stepped (step_generator.go stubs Check for the others). */
  targets?: string[];
  /** A policy pack's remediation: runs after Check and may rewrite the inputs (step_generator.go, first analyzer pass). */
  remediate?: (name: string, inputs: Props) => Props | undefined;
  continueOnError?: boolean;
}

export interface RunResult {
  /** The state after the run: what completed (a failed or abandoned step leaves the old entry). */
  state: State;
  steps: { create: number; update: number; same: number; skipped: number };
  /** Resources whose registration failed, with the error (step failures and abandoned steps). */
  failures: Record<string, string>;
  /** The first failure, as the engine reports it. */
  error?: string;
  maxRunning: number;
}

const stripProvider = (o: Props): Props => Object.fromEntries(Object.entries(o).filter(([k]) => k !== "__provider"));

export async function up(p: ProviderCalls, program: ModelResource[], prior: State, opts: RunOptions): Promise<RunResult> {
  const loop = new DeploymentLoop({ parallel: opts.parallel, handoff: opts.handoff, continueOnError: opts.continueOnError });
  const state: State = { ...prior };
  const steps = { create: 0, update: 0, same: 0, skipped: 0 };
  const failures: Record<string, string> = {};
  let error: string | undefined;
  const done = new Map<string, Promise<Props>>();

  const generate = (r: ModelResource, outputs: Record<string, Props>) => async (): Promise<Generated<Props>> => {
    const old = prior[r.name];
    const news = typeof r.inputs === "function" ? r.inputs(outputs) : r.inputs;
    if (opts.targets && !opts.targets.includes(r.name)) {
      // Untargeted: no Check, no Diff; an existing resource stays the same, a new one is skipped.
      if (old) steps.same++;
      else steps.skipped++;
      return { result: old ? old.outputs : news };
    }
    const checked = await p.check(r.type, r.name, news, old ? old.inputs : {});
    if (checked.failures.length) throw new Error(`${r.name}: ${checked.failures.map((f: any) => `${f.property}: ${f.reason}`).join("; ")}`);
    let inputs = stripProvider(checked.inputs);
    inputs = opts.remediate?.(r.name, inputs) ?? inputs;
    const deps = r.dependsOn ?? [];
    if (old) {
      const diff = await p.diff(r.type, r.name, old.id, old.outputs, inputs);
      if (diff.changes !== "some") {
        steps.same++;
        state[r.name] = { ...old, inputs, dependsOn: deps };
        return { result: old.outputs };
      }
      if (diff.replaces.length) throw new Error(`${r.name}: replacement is not modelled here`);
      if (opts.preview) return { result: { ...old.outputs, ...inputs } };
      return {
        step: async () => {
          const outs = stripProvider(await p.update(r.type, r.name, old.id, old.outputs, inputs));
          steps.update++;
          state[r.name] = { type: r.type, id: old.id, inputs, outputs: outs, dependsOn: deps };
          return outs;
        },
      };
    }
    // Preview: no Create; a dynamic provider's outputs are its inputs.
    if (opts.preview) return { result: inputs };
    return {
      step: async () => {
        const created = await p.create(r.type, r.name, inputs);
        steps.create++;
        const outs = stripProvider(created.outs);
        state[r.name] = { type: r.type, id: created.id, inputs, outputs: outs, dependsOn: deps };
        return outs;
      },
    };
  };

  for (const r of program) {
    done.set(
      r.name,
      (async () => {
        // The SDK registers a resource once what it depends on has completed.
        const outputs: Record<string, Props> = {};
        for (const d of r.dependsOn ?? []) outputs[d] = await done.get(d)!.catch(() => Promise.reject(new Error(`not registered: ${d} failed`)));
        return loop.register(generate(r, outputs)).catch((err) => {
          // The first failure in time is the one the engine reports.
          if (error === undefined && !(err instanceof CanceledError)) error = (err as any)?.details ?? (err as Error).message;
          throw err;
        });
      })(),
    );
  }
  await Promise.all(
    [...done.entries()].map(([name, d]) =>
      d.catch((err) => {
        failures[name] = (err as any)?.details ?? (err as Error).message;
      }),
    ),
  );
  // Resources gone from the program would be deleted here (post-steps); the tests use destroy().
  return { state, steps, failures, error, maxRunning: loop.maxRunning };
}

/**
 * `pulumi destroy`: every resource in the state deleted, dependents first, each wave with at most
 * --parallel deletes at once and the next wave after it (ScheduleDeletes in step_generator.go,
 * performPostSteps in deployment_executor.go).
 */
export async function destroy(p: ProviderCalls, state: State, opts: { parallel: number }): Promise<State> {
  const left: State = { ...state };
  while (Object.keys(left).length) {
    const needed = new Set(Object.values(left).flatMap((e) => e.dependsOn));
    const wave = Object.keys(left).filter((n) => !needed.has(n));
    if (!wave.length) throw new Error("destroy: dependency cycle in the state");
    const loop = new DeploymentLoop({ parallel: opts.parallel });
    await Promise.all(
      wave.map((name) =>
        loop.register(async () => ({
          step: async () => {
            const e = left[name];
            await p.delete(e.type, name, e.id, e.outputs);
            delete left[name];
          },
        })),
      ),
    );
  }
  return left;
}

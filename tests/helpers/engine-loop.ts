/**
 * The part of the Pulumi engine that decides when a provider sees which call: the deployment
 * executor's loop over registrations and the step executor's --parallel workers. Read from
 * pulumi/pulumi (pkg/resource/deploy, HEAD of August 2026):
 *
 * - deployment_executor.go `Execute`: one loop takes the program's registrations in arrival order;
 *   `handleSingleEvent` runs the step generator for one registration (`GenerateSteps`: Check, the
 *   policy packs' remediations, then Diff for a resource that exists; step_generator.go), then
 *   hands the steps to the executor (`ExecuteSerial`). Only then does it take the next one: Check
 *   and Diff are called one at a time, in registration order.
 * - step_executor.go `newStepExecutor`: `--parallel` workers (DegreeOfParallelism), each taking
 *   one chain at a time from `incomingChains` and running it to the end (`executeChain`), which
 *   is where Create/Update/Delete are called.
 * - step_executor.go `ExecuteSerial`: `incomingChains` is an unbuffered channel
 *   (`make(chan incomingChain)`), so handing a step over waits until a worker is free to take it.
 *   While all workers are busy the loop is blocked there, and no further Check or Diff is made.
 *   That is the "engine" hand-off below. The "queued" hand-off is the one issue #15 describes
 *   (the step queued as soon as its Check/Diff returns, Checks going on while workers are busy):
 *   it is not what the engine does today; it is kept to test what lookahead can do when Checks
 *   run ahead, and to measure the difference.
 * - step_executor.go `executeChain`/`cancelDueToError`: a failed step cancels the deployment
 *   (unless --continue-on-error): steps in flight finish, nothing new starts, steps handed over
 *   but not started are abandoned (`ExecuteSerial` gives up on `ctx.Done()`), and the loop stops.
 * - The Node SDK registers a resource only once its dependencies' registrations have completed
 *   (sdk/nodejs/runtime/resource.ts `prepareResource` awaits input values and dependsOn URNs);
 *   callers model that by awaiting the registrations they depend on before registering.
 */

export type Handoff = "engine" | "queued";

export interface LoopOptions {
  /** --parallel: the number of step workers. */
  parallel: number;
  handoff?: Handoff;
  /** --continue-on-error: a failed step does not stop the deployment. */
  continueOnError?: boolean;
}

/** What the step generator made of a registration: a step for a worker, or an answer at once (same, skipped, preview). */
export type Generated<T> = { step: () => Promise<T> } | { result: T };

interface Registration<T> {
  generate: () => Promise<Generated<T>>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export class CanceledError extends Error {
  constructor() {
    super("the deployment was canceled after a failure (the engine starts no new step)");
  }
}

export class DeploymentLoop {
  private readonly events: Registration<any>[] = [];
  private processing = false;
  private running = 0;
  private readonly queued: Array<{ step: () => Promise<unknown>; ev: Registration<unknown> }> = [];
  private slotWaiters: Array<() => void> = [];
  private canceledBy?: unknown;
  /** Most steps running at once. */
  maxRunning = 0;

  constructor(private readonly opts: LoopOptions) {}

  get canceled(): boolean {
    return this.canceledBy !== undefined;
  }

  /** A RegisterResource from the program: resolves when the resource's step has completed. */
  register<T>(generate: () => Promise<Generated<T>>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.events.push({ generate, resolve, reject });
      if (!this.processing) void this.process();
    });
  }

  /** The deployment executor's loop: one registration at a time, in arrival order. */
  private async process(): Promise<void> {
    this.processing = true;
    try {
      for (let ev = this.events.shift(); ev; ev = this.events.shift()) {
        if (this.canceled) {
          ev.reject(new CanceledError());
          continue;
        }
        let generated: Generated<unknown>;
        try {
          generated = await ev.generate();
        } catch (err) {
          // A step generator error (e.g. Check failures) bails the whole deployment.
          this.cancel(err);
          ev.reject(err);
          continue;
        }
        if ("result" in generated) ev.resolve(generated.result);
        else await this.handOver(generated.step, ev);
      }
    } finally {
      this.processing = false;
    }
  }

  private async handOver(step: () => Promise<unknown>, ev: Registration<unknown>): Promise<void> {
    if (this.running < this.opts.parallel) return void this.runStep(step, ev);
    if ((this.opts.handoff ?? "engine") === "queued") {
      this.queued.push({ step, ev });
      return;
    }
    // ExecuteSerial: blocked until a worker takes the step, or the deployment is canceled.
    await new Promise<void>((r) => this.slotWaiters.push(r));
    if (this.canceled) ev.reject(new CanceledError());
    else void this.runStep(step, ev);
  }

  private async runStep(step: () => Promise<unknown>, ev: Registration<unknown>): Promise<void> {
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      ev.resolve(await step());
    } catch (err) {
      if (!this.opts.continueOnError) this.cancel(err);
      ev.reject(err);
    } finally {
      this.running--;
      this.nextStep();
    }
  }

  private nextStep(): void {
    if (this.canceled) return;
    const queued = this.queued.shift();
    if (queued) return void this.runStep(queued.step, queued.ev);
    const waiter = this.slotWaiters.shift();
    if (waiter) waiter();
  }

  private cancel(err: unknown): void {
    if (this.canceled) return;
    this.canceledBy = err;
    // Steps handed over but not started are abandoned; the blocked hand-off gives up.
    for (const q of this.queued.splice(0)) q.ev.reject(new CanceledError());
    for (const w of this.slotWaiters.splice(0)) w();
  }
}

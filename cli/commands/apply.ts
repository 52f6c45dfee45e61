import { ApplyResult, Engine, Plan } from "../../provider";
import { integrityProblems } from "../../provider/plan/contract";
import { parse } from "../args";
import { CONNECTION_HELP, CONNECTION_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { formatPlan } from "../format";
import { capped } from "../format/shared";
import { Interrupted, interruptNote, interruptible } from "../interrupt";
import { Io, colours, processIo } from "../io";
import { EXIT, describeHolder, exitCode, formatOutcome } from "../outcome";
import { prunable } from "../../provider/apply/contention";
import { PlanFile, readPlanFile } from "../plan-file";
import { PROGRAM_HELP, PROGRAM_OPTIONS, Program, loadProgram } from "../program";
import { progress } from "../progress";
import { confirm } from "../prompt";

export const help = `Usage: meraki-batch apply <program-dir> [options]
       meraki-batch apply --plan FILE [options]

Applies a program (planning it first) or a saved plan through action batches: shows the plan,
asks for confirmation (unless --yes), shows progress while the batches run, prints what happened
to every resource and reads the result back.

A saved plan is a contract: it is refused, with nothing sent, when its batches are not exactly
what its shown changes give, when it was edited after it was made (its digest), when its
options or organization differ from the connection's, or when the live network changed since it
was made (--replan plans again and asks again). Batches staged with 'plan --stage' are confirmed
rather than made again; batches already confirmed by someone else are not sent twice.

Options:
  --plan FILE              apply a plan saved with 'meraki-batch plan --out FILE'
  --expect-digest DIGEST   with --plan: refuse unless the plan's digest is DIGEST (the reviewed one, in full)
  --yes                    do not ask for confirmation (required when not on a terminal)
  --replan                 with --plan: if the network changed, plan again, show it, ask again
  --wait                   when other batches hold the plan's resources, wait for them and plan again
  --no-verify              do not read the result back after the last batch
  --stack NAME             stack whose Pulumi.<stack>.yaml config to use
  --json                   print the result as JSON (the plan goes to stderr)
${PROGRAM_HELP}
  -h, --help               show this help

Exit codes: 0 applied (or nothing to do, or already applied), 1 something failed or was refused,
2 bad usage, 3 a confirmed batch's outcome is unknown (whatever else happened), 4 other batches
hold the plan's resources (nothing was confirmed), 130 interrupted.

${CONNECTION_HELP}`;

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("apply", argv, {
    plan: { type: "string" },
    "expect-digest": { type: "string" },
    yes: { type: "boolean", short: "y" },
    replan: { type: "boolean" },
    wait: { type: "boolean" },
    "no-verify": { type: "boolean" },
    stack: { type: "string" },
    json: { type: "boolean" },
    ...PROGRAM_OPTIONS,
    ...CONNECTION_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  const planFile = values.plan as string | undefined;
  if (planFile && positionals.length) throw new CliError("give either a program directory or --plan FILE, not both", undefined, 2);
  if (!planFile && positionals.length !== 1) throw new CliError("missing the program directory (or --plan FILE)", "e.g. meraki-batch apply examples/branch-office", 2);
  if (values.replan && !planFile) throw new CliError("--replan only applies to --plan FILE", undefined, 2);
  if (values["expect-digest"] && !planFile) throw new CliError("--expect-digest only applies to --plan FILE", undefined, 2);

  interruptNote("this run confirmed no batch; nothing was applied.");
  // Everything that can be checked without the network is checked first: nothing is sent for a bad file.
  const program = planFile ? undefined : await loadProgram(positionals[0], { stack: values.stack as string | undefined, noTypeCheck: values["no-type-check"] === true, env: io.env });
  const fromFile = planFile ? checkFile(planFile, values["expect-digest"] as string | undefined) : undefined;
  const conn = await connect({ values, stackConfig: program?.config, stackFile: program?.stackFile, fromPlan: fromFile, io });
  try {
    return await new Apply(conn.engine, io, values).run(program, fromFile);
  } catch (err) {
    throw asCliError(err);
  } finally {
    await conn.close();
  }
}

/** At most this many resources are named in a stale refusal (--json has them all). */
const STALE_LINES = 20;

/** A shortened digest could be matched by a plan made to match it: only the whole one pins a plan. */
const FULL_DIGEST = /^(sha256:)?[0-9a-f]{64}$/;

/** The plan file's own consistency: its batches are what its changes give, its digest is its content's. */
function checkFile(file: string, expectDigest: string | undefined): PlanFile {
  const plan = readPlanFile(file);
  const problems = integrityProblems(plan);
  if (problems.length) {
    throw new CliError(`${file} is not the plan that was made; nothing was sent:\n  ${problems.join("\n  ")}`, "make a new plan and review it: meraki-batch plan <program-dir> --out plan.json");
  }
  if (expectDigest !== undefined && !FULL_DIGEST.test(expectDigest)) {
    throw new CliError(`--expect-digest needs the plan's full digest (sha256: and 64 hex digits), got '${expectDigest}'; nothing was sent`, "copy it from the plan file's \"digest\" or the Markdown comment's first line", 2);
  }
  if (expectDigest !== undefined && expectDigest.replace(/^sha256:/, "") !== plan.digest.replace(/^sha256:/, "")) {
    throw new CliError(`${file} has digest ${plan.digest}, not the expected ${expectDigest}; nothing was sent`, "apply the plan that was reviewed");
  }
  return plan;
}

/** A duration in seconds from the environment, as an option; a clear error when it is not one. */
function seconds<T>(raw: string | undefined, name: string, make: (ms: number) => T): T | {} {
  if (raw === undefined || raw === "") return {};
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 86_400) throw new CliError(`${name} must be a number of seconds between 0 and 86400, got '${raw}'`, undefined, 2);
  return make(Math.round(n * 1000));
}

class Apply {
  private readonly c;
  private readonly out: Io["stdout"];
  /** Ctrl-C at the prompt for a plan made again while applying. */
  private interrupted = false;

  constructor(
    private readonly engine: Engine,
    private readonly io: Io,
    private readonly values: Record<string, unknown>,
  ) {
    this.c = colours(values.json ? { ...io, stdout: io.stderr as Io["stdout"] } : io);
    // With --json the human-readable parts go to stderr.
    this.out = values.json ? (io.stderr as Io["stdout"]) : io.stdout;
  }

  private say(text: string): void {
    this.out.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  async run(program: Program | undefined, file: PlanFile | undefined): Promise<number> {
    let plan: Plan;
    let settled: ApplyResult["batches"] = [];
    if (file) {
      this.checkOptions(file);
      const staged = await this.engine.stagedState(file, { onWait: (id) => this.say(`waiting for batch ${id}, confirmed elsewhere, to finish…`) });
      for (const n of staged.notes) this.say(this.c.dim(n));
      settled = staged.settled;
      if (settled.length === file.batches.length) return this.finishSettled(file, settled);
      const check = await this.engine.checkSaved(file, settled);
      // The network already is what the plan makes it (a pipeline that runs again, or someone who
      // applied the same changes): nothing to send, and nothing failed.
      if (check.state === "stale" && check.derived && check.derived.summary.actions === 0) return this.alreadyApplied(file);
      if (check.state === "altered") {
        throw new CliError(`the plan's changes are not what its desired resources give against the unchanged network; nothing was sent:\n  ${check.differences.join("\n  ")}`, "make a new plan and review it");
      }
      if (check.state === "stale") {
        const shown = capped(check.differences, STALE_LINES, (n) => `… and ${n} more resources (--json lists every one)`);
        const header = `the live network changed since the plan was made:\n  ${[...shown, ...(check.culprits ?? [])].join("\n  ")}`;
        if (!this.values.replan || !check.derived) {
          if (this.values.json) this.io.stdout.write(JSON.stringify({ ok: false, status: "stale", exitCode: EXIT.failed, digest: file.digest, differences: check.differences, culprits: check.culprits ?? [], resources: [], batches: [] }, null, 2) + "\n");
          const hint = check.culprits?.length
            ? "another run (an earlier one of this plan, stopped before it finished?) applied part of it: make a new plan and review it"
            : "make a new plan and review it (at a terminal, --replan plans again and asks you here)";
          throw new CliError(header, hint);
        }
        this.say(this.c.yellow(`The plan is stale: ${header}\nPlanned again; this is the new plan, which was not reviewed:`));
        plan = check.derived;
        settled = [];
      } else {
        plan = file;
      }
    } else {
      plan = await this.engine.plan(program!.resources, [], undefined, undefined, { owned: program!.owned });
    }

    this.out.write(formatPlan(plan, this.c));
    await this.reportDrafts(plan);
    if (plan.summary.actions === 0) {
      // Nothing to apply, but drafts that ended runs left are still this run's to delete.
      const removed = await this.engine.removeAbandoned(plan.organizationId);
      if (removed.length) this.say(this.c.dim(`Deleted ${removed.length} draft${removed.length === 1 ? "" : "s"} an interrupted run had left: ${removed.join(", ")}.`));
      if (this.values.json) this.io.stdout.write(JSON.stringify({ ok: true, status: "done", exitCode: 0, digest: plan.digest, resources: [], batches: [], removedAbandoned: removed }, null, 2) + "\n");
      return EXIT.ok;
    }
    if (!(await this.ask(plan, file !== undefined && plan !== file))) return EXIT.failed;

    const bar = this.values.json ? undefined : progress(plan, this.io);
    const stop = interruptible(this.io, {
      first: () => this.say(this.c.yellow("\nInterrupted: confirming no more batches, deleting this run's drafts, waiting for the confirmed ones (Ctrl-C again to exit now).")),
      second: () => this.say(this.c.red(`\nExiting now. Batches still running: ${bar?.running().join(", ") || "none known"}; see 'meraki-batch batches list --status pending'.`)),
    });
    let result;
    try {
      result = await this.engine.apply(plan, {
        onEvent: (e) => bar?.onEvent(e),
        signal: stop.signal,
        waitForOthers: this.values.wait === true,
        verify: this.values["no-verify"] !== true,
        settled,
        // A reviewed plan file is a contract: live changes are never planned over (issue #21.4).
        bound: file !== undefined && plan === file,
        onReplan: (next, waited, reason) => this.reReview(next, waited, reason),
        ...seconds(this.io.env.MERAKI_BATCH_UNREACHABLE_SECONDS, "MERAKI_BATCH_UNREACHABLE_SECONDS", (ms) => ({ unreachableMs: ms })),
        ...seconds(this.io.env.MERAKI_BATCH_DRAIN_SECONDS, "MERAKI_BATCH_DRAIN_SECONDS", (ms) => ({ drainMs: ms })),
      });
    } finally {
      bar?.done();
      stop.dispose();
      interruptNote("the apply had ended; 'meraki-batch plan' shows where the network stands.");
    }
    return this.report(result);
  }

  /** Flags that would change the batches must agree with the saved plan's options. */
  private checkOptions(file: PlanFile): void {
    const o = this.engine.options;
    const differ: string[] = [];
    if (this.values["max-batch-size"] !== undefined && o.maxActionsPerBatch !== file.options.maxActionsPerBatch) differ.push(`--max-batch-size ${o.maxActionsPerBatch} (the plan was made with ${file.options.maxActionsPerBatch})`);
    if (this.values.sync !== undefined && o.synchronous !== file.options.synchronous) differ.push(`--sync ${o.synchronous} (the plan was made with ${file.options.synchronous})`);
    if (differ.length) throw new CliError(`the plan's options differ from this command's: ${differ.join(", ")}; nothing was sent`, "apply the plan without those flags, or make a new plan with them", 2);
  }

  /** Unconfirmed drafts of others on the plan's resources: they could be confirmed later and undo it. */
  private async reportDrafts(plan: Plan): Promise<void> {
    const drafts = (await this.engine.draftsTouching(plan)).filter((h) => h.state === "unconfirmed");
    if (!drafts.length) return;
    this.say(this.c.yellow(`\n${drafts.length} unconfirmed batch${drafts.length === 1 ? "" : "es"} in the organization touch${drafts.length === 1 ? "es" : ""} this plan's resources:`));
    for (const l of capped(drafts.map((d) => describeHolder(d)), 10, (n) => `… and ${n} more ('meraki-batch batches list --status pending' lists them)`)) this.say(`  ${l}`);
    const prune = drafts.filter(prunable);
    this.say(this.c.dim(`  Identical drafts are reused; others hold the resources until confirmed or deleted${prune.length ? ` ('meraki-batch batches prune' deletes ${prune.length === drafts.length ? "them" : prune.map((d) => d.id).join(", ")})` : ""}.`));
  }

  private async ask(plan: Plan, replanned: boolean): Promise<boolean> {
    const question = `\nApply ${plan.summary.batches} batch${plan.summary.batches === 1 ? "" : "es"} (${plan.summary.actions} action${plan.summary.actions === 1 ? "" : "s"}) to organization ${plan.organizationId}${replanned ? " (a new plan, not the reviewed one)" : ""}?`;
    if (this.values.yes && !this.io.stdin.isTTY) this.say(this.c.dim(`${question.trim()} yes (--yes)`));
    if (!(await confirm({ ...this.io, stdout: this.out }, question, this.values.yes === true))) {
      this.say("Apply cancelled; nothing was sent.");
      return false;
    }
    return true;
  }

  /**
   * A plan made again while applying (after waiting for other batches) is shown and asked for again.
   * Ctrl-C at that prompt declines it: the run ends with its report, and exit 130.
   */
  private async reReview(next: Plan, waited: string[], reason?: string): Promise<boolean> {
    this.say(this.c.yellow(`\n${reason ? reason.replace(/^./, (x) => x.toUpperCase()) : `Waited for batch${waited.length === 1 ? "" : "es"} ${waited.join(", ")}`}; planned again. The new plan:`));
    this.out.write(formatPlan(next, this.c));
    try {
      return await this.ask(next, true);
    } catch (err) {
      if (!(err instanceof Interrupted)) throw err;
      this.interrupted = true;
      this.say("\nInterrupted at the prompt: the new plan was not applied.");
      return false;
    }
  }

  private async alreadyApplied(plan: PlanFile): Promise<number> {
    const removed = await this.engine.removeAbandoned(plan.organizationId);
    this.say(this.c.green(`Already applied: the live network is what this plan makes it (plan ${plan.digest}); nothing was sent.`));
    if (removed.length) this.say(this.c.dim(`Deleted ${removed.length} draft${removed.length === 1 ? "" : "s"} an interrupted run had left: ${removed.join(", ")}.`));
    if (this.values.json) {
      const resources = plan.changes.map((c) => ({ key: c.key, name: c.name, description: c.description, outcome: { status: "unchanged" } }));
      this.io.stdout.write(JSON.stringify({ ok: true, status: "done", alreadyApplied: true, exitCode: EXIT.ok, digest: plan.digest, resources, batches: [], removedAbandoned: removed }, null, 2) + "\n");
    }
    return EXIT.ok;
  }

  private finishSettled(plan: PlanFile, settled: ApplyResult["batches"]): number {
    const failed = settled.filter((s) => s.state !== "completed");
    this.say(failed.length ? this.c.red(`Every batch of this plan was already confirmed; ${failed.length} did not complete: ${failed.map((s) => `${s.id} (${s.state})`).join(", ")}.`) : this.c.green(`Every batch of this plan was already confirmed and completed (${settled.map((s) => s.id).join(", ")}); nothing to do.`));
    const code = failed.some((s) => s.state === "unknown") ? EXIT.unknown : failed.length ? EXIT.failed : EXIT.ok;
    if (this.values.json) this.io.stdout.write(JSON.stringify({ ok: !failed.length, status: "done", exitCode: code, digest: plan.digest, resources: [], batches: settled }, null, 2) + "\n");
    return code;
  }

  private report(result: ApplyResult & { plan: Plan }): number {
    const code = exitCode(result, this.interrupted);
    if (this.values.json) {
      const { plan, ...rest } = result;
      this.io.stdout.write(JSON.stringify({ ...rest, exitCode: code, digest: plan.digest }, null, 2) + "\n");
      this.out.write("\n" + formatOutcome(result, this.c, this.values.wait === true));
    } else {
      this.io.stdout.write("\n" + formatOutcome(result, this.c, this.values.wait === true));
    }
    return code;
  }
}

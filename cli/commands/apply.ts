import { Plan } from "../../provider";
import { parse } from "../args";
import { CONNECTION_HELP, CONNECTION_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { formatPlan } from "../format";
import { formatOutcome } from "../outcome";
import { Io, colours, processIo } from "../io";
import { readPlanFile } from "../plan-file";
import { loadProgram } from "../program";
import { progress } from "../progress";
import { confirm } from "../prompt";

export const help = `Usage: meraki-batch apply <program-dir> [options]
       meraki-batch apply --plan FILE [options]

Applies a program (planning it first) or a saved plan through action batches: shows the plan,
asks for confirmation (unless --yes), shows progress while the batches run, and prints what
happened to every resource. Exits 1 when anything failed.

A saved plan is refused when the live network changed since it was made; batches staged with
'plan --stage' are confirmed rather than created again.

Options:
  --plan FILE              apply a plan saved with 'meraki-batch plan --out FILE'
  --yes                    do not ask for confirmation (required when not on a terminal)
  --replan                 with --plan: if the network changed, plan again and apply that
  --stack NAME             stack whose Pulumi.<stack>.yaml config to use
  --json                   print the result as JSON
  -h, --help               show this help

${CONNECTION_HELP}`;

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("apply", argv, {
    plan: { type: "string" },
    yes: { type: "boolean", short: "y" },
    replan: { type: "boolean" },
    stack: { type: "string" },
    json: { type: "boolean" },
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
  const c = colours(io);

  let plan: Plan;
  let saved = false;
  // Load before connecting: a broken program or plan file is reported without touching the API.
  const program = planFile ? undefined : await loadProgram(positionals[0], { stack: values.stack as string | undefined });
  const fromFile = planFile ? readPlanFile(planFile) : undefined;
  const conn = await connect({ values, stackConfig: program?.config, stackFile: program?.stackFile, fromPlan: fromFile, io });
  try {
    try {
      if (fromFile) {
        plan = fromFile;
        saved = true;
      } else {
        plan = await conn.engine.plan(program!.resources);
      }
    } catch (err) {
      throw asCliError(err);
    }
    const out = values.json ? io.stderr : io.stdout;
    out.write(formatPlan(plan, values.json ? colours({ ...io, stdout: io.stderr }) : c));
    if (plan.summary.actions === 0) {
      if (values.json) io.stdout.write(JSON.stringify({ ok: true, resources: [], batches: [] }, null, 2) + "\n");
      return 0;
    }
    const question = `\nApply ${plan.summary.batches} batch${plan.summary.batches === 1 ? "" : "es"} (${plan.summary.actions} actions) to organization ${plan.organizationId}?`;
    if (!(await confirm(io, question, values.yes === true))) {
      io.stdout.write("Apply cancelled; nothing was sent.\n");
      return 1;
    }
    const bar = values.json ? undefined : progress(plan, io);
    let result;
    try {
      result = await conn.engine.apply(plan, { checkStale: saved, replan: values.replan === true, onEvent: (e) => bar?.onEvent(e) });
    } catch (err) {
      throw asCliError(err);
    } finally {
      bar?.done();
    }
    if (result.plan !== plan && !values.json) io.stdout.write(c.yellow("The network had changed since the plan was made; applied a new plan instead.\n"));
    if (values.json) io.stdout.write(JSON.stringify({ ok: result.ok, resources: result.resources, batches: result.batches }, null, 2) + "\n");
    else io.stdout.write("\n" + formatOutcome(result, c));
    return result.ok ? 0 : 1;
  } finally {
    await conn.close();
  }
}

import * as path from "path";
import { parse } from "../args";
import { CONNECTION_HELP, CONNECTION_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { formatJson, formatMarkdown, formatPlan } from "../format";
import { capped, plural } from "../format/shared";
import { interruptNote } from "../interrupt";
import { Io, colours, processIo } from "../io";
import { writeFileAtomic } from "../plan-file";
import { describeHolder } from "../outcome";
import { Holder, Plan } from "../../provider";
import { PROGRAM_HELP, PROGRAM_OPTIONS, loadProgram } from "../program";

export const help = `Usage: meraki-batch plan <program-dir> [options]

Runs the Pulumi program under Pulumi's mock runtime to collect its Vlan, DeviceTags and
SwitchPort resources, reads the live network, and prints what would change, grouped by
network and device (+ create, ~ update, - delete; each field old → new; ports with the same
changes on one line), and the exact action batches in execution order.

Options:
  --stack NAME             stack whose Pulumi.<stack>.yaml config to use (default: the only one, else dev)
  --out FILE               save the plan (JSON, no secrets) for 'meraki-batch apply --plan FILE'
  --markdown FILE          write a Markdown summary fit for a pull-request comment (under 60,000 characters)
  --stage                  also create the batches unconfirmed in the organization, for review;
                           'apply --plan' then confirms them instead of creating them again
  --detailed-exitcode      exit 0 when there are no changes, 2 when there are (1 on errors)
  --json                   print the plan as JSON instead of text (the plan file, plus a "grouped" view)
${PROGRAM_HELP}
  -h, --help               show this help

${CONNECTION_HELP}`;

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("plan", argv, {
    stack: { type: "string" },
    out: { type: "string" },
    markdown: { type: "string" },
    stage: { type: "boolean" },
    "detailed-exitcode": { type: "boolean" },
    json: { type: "boolean" },
    ...PROGRAM_OPTIONS,
    ...CONNECTION_OPTIONS,
  });
  if (values.help) {
    io.stdout.write(help);
    return 0;
  }
  if (positionals.length !== 1) throw new CliError(positionals.length ? `expected one program directory, got ${positionals.length}` : "missing the program directory", "e.g. meraki-batch plan examples/branch-office", 2);
  interruptNote("nothing was changed; a plan only reads.");
  const program = await loadProgram(positionals[0], { stack: values.stack as string | undefined, noTypeCheck: values["no-type-check"] === true, env: io.env });
  for (const r of program.ignored) io.stderr.write(`note: ${r} is not a meraki-batch resource; the CLI leaves it alone\n`);
  const conn = await connect({ values, stackConfig: program.config, stackFile: program.stackFile, io });
  try {
    let plan: Plan;
    let reused: string[] = [];
    let drafts: Holder[] = [];
    try {
      plan = await conn.engine.plan(program.resources, [], undefined, undefined, { owned: program.owned });
      const changes = plan.summary.actions > 0;
      if (values.stage && changes) {
        interruptNote(
          "nothing was confirmed. Batches staged so far stay unconfirmed: 'meraki-batch batches list --status pending' lists them, 'meraki-batch batches prune' deletes them, and 'plan --stage' again reuses them.",
        );
        const { reused: r, ...staged } = await conn.engine.stage(plan);
        reused = r;
        plan = staged;
      }
      drafts = (await conn.engine.draftsTouching(plan)).filter((h) => h.state === "unconfirmed");
    } catch (err) {
      throw asCliError(err);
    }
    const file = { ...plan, source: { program: path.relative(process.cwd(), program.dir) || ".", project: program.project, stack: program.stack } };
    if (values.out) writeFileAtomic(values.out as string, JSON.stringify(file, null, 2) + "\n");
    if (values.markdown) writeFileAtomic(values.markdown as string, formatMarkdown(plan, { program: file.source.program, stack: program.stack, planFile: values.out as string | undefined }));
    if (values.json) io.stdout.write(formatJson(file, { pendingDrafts: drafts.map((d) => ({ id: d.id, description: describeHolder(d) })) }));
    else {
      io.stdout.write(formatPlan(plan, colours(io)));
      if (values.stage && plan.summary.actions) {
        const made = plan.batches.filter((b) => !reused.includes(b.stagedId!));
        const parts = [
          made.length ? `staged ${plural(made.length, "unconfirmed batch", "unconfirmed batches")} for review: ${made.map((b) => b.stagedId).join(", ")}` : "",
          reused.length ? `reused ${plural(reused.length, "identical unconfirmed batch", "identical unconfirmed batches")} already staged: ${reused.join(", ")}` : "",
        ].filter(Boolean);
        io.stdout.write(`\n${parts.join("; ").replace(/^./, (x) => x.toUpperCase())}\n`);
        // The safe ways to confirm them: each checks the live network against this plan first (issue #21.2).
        const first = plan.batches[0].stagedId!;
        io.stdout.write(
          values.out
            ? `Confirm them with: meraki-batch apply --plan ${values.out as string} (the whole plan, in order, refused if the network moved); one at a time: meraki-batch batches confirm ${first} --plan ${values.out as string}\n`
            : `Confirm them in order with: meraki-batch batches confirm ${first} (checked against this plan, kept on this machine, before it is confirmed)${plan.batches.length > 1 ? ", then the next" : ""}\n`,
        );
      }
      if (drafts.length) {
        io.stdout.write(`\n${plural(drafts.length, "other unconfirmed batch", "other unconfirmed batches")} in the organization touch${drafts.length === 1 ? "es" : ""} this plan's resources (applying stops at them):\n`);
        for (const l of capped(drafts.map((d) => describeHolder(d)), 10, (n) => `… and ${n} more (--json lists them)`)) io.stdout.write(`  ${l}\n`);
      }
      if (values.out) io.stdout.write(`\nSaved the plan to ${values.out as string}; apply it with: meraki-batch apply --plan ${values.out as string}\n`);
    }
    return values["detailed-exitcode"] && plan.summary.actions > 0 ? 2 : 0;
  } finally {
    await conn.close();
  }
}

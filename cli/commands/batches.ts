import { hideSecrets } from "../../provider/apply/fill";
import { ActionBatch, BatchApi, DraftLedger, DraftRecord, Engine, runAlive } from "../../provider";
import { sameActions } from "../../provider/apply/objects";
import { integrityProblems, parsePlan } from "../../provider/plan/contract";
import { capped, shortDigest } from "../format/shared";
import { PlanFile, readPlanFile } from "../plan-file";
import { recordLookup, recordOf } from "../../provider/apply/ledger";
import { confirmAndWait, isNotFound, submitDefaults } from "../../provider/apply/submit";
import { madeByThisTool } from "../../provider/apply/shape";
import { realClock } from "../../provider/clock";
import { parse } from "../args";
import { API_HELP, API_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { summariseActions } from "../format";
import { Io, colours, processIo } from "../io";
import { age } from "../outcome";
import { confirm } from "../prompt";

export const help = `Usage: meraki-batch batches list [--status pending|completed|failed] [--json]
       meraki-batch batches show ID [--json]
       meraki-batch batches confirm ID [--plan FILE | --force] [--yes]
       meraki-batch batches delete ID
       meraki-batch batches prune [--dry-run] [--yes]

Inspects and acts on the organization's action batches: list them, show one with its actions
and status, confirm an unconfirmed (staged) batch and wait for it to finish, delete an
unconfirmed one, or prune the unconfirmed drafts meraki-batch made. Confirmed batches cannot be
deleted.

confirm keeps the contract of the plan the batch was staged with ('plan --stage'): the plan is the
one this machine kept when it staged the batch, or --plan FILE (the plan file saved with --out).
It refuses, with nothing sent, when the batch is not one of the plan's, when a batch it waits for
has not completed, or when the live fields it changes moved since the plan was made. --force
confirms a batch without a plan to check it against.

prune deletes unconfirmed batches that meraki-batch made and no run of it still needs:
  - those this machine's draft ledger records (MERAKI_BATCH_STATE_DIR, else
    ~/.local/state/meraki-batch) whose run has ended, including drafts staged for review
    with 'plan --stage';
  - those made elsewhere (another machine, a CI runner) whose every action is one meraki-batch
    writes (VLAN create/update/destroy, VLAN settings, device tags, switch ports; v1 paths,
    only fields meraki-batch sends). A run still going on this machine keeps its drafts.
It lists what it deletes and asks first (--yes to skip, --dry-run to only list).

Options:
  --status S               list only pending, completed or failed batches
  --json                   print JSON
  --yes                    confirm or prune without asking
  --plan FILE              confirm: the plan file the batch was staged with
  --force                  confirm: without checking the batch against a plan
  --dry-run                prune: list what would be deleted, delete nothing
  -h, --help               show this help

${API_HELP}`;

function state(b: ActionBatch): string {
  if (!b.confirmed) return "unconfirmed";
  if (b.status.completed) return "completed";
  if (b.status.failed) return "failed";
  return "running";
}

/** "meraki-batch, 3 min ago" from the ledger (a recordOf or a recordLookup), or "" when not known here. */
function provenance(record: (b: ActionBatch) => DraftRecord | undefined, b: ActionBatch): string {
  const r = record(b);
  if (!r) return "";
  const alive = r.purpose === "run" ? (runAlive(r) ? ", run in progress" : ", run ended") : ", staged for review";
  return `meraki-batch ${age(Date.now() - r.createdAt)} ago${alive}`;
}

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("batches", argv, {
    status: { type: "string" },
    json: { type: "boolean" },
    yes: { type: "boolean", short: "y" },
    "dry-run": { type: "boolean" },
    plan: { type: "string" },
    force: { type: "boolean" },
    ...API_OPTIONS,
  });
  if (values.help || positionals.length === 0) {
    io.stdout.write(help);
    return values.help ? 0 : 2;
  }
  const [sub, id, ...extra] = positionals;
  if (!["list", "show", "confirm", "delete", "prune"].includes(sub)) throw new CliError(`unknown batches command '${sub}'`, "use list, show, confirm, delete or prune", 2);
  if (!["list", "prune"].includes(sub) && !id) throw new CliError(`missing the batch id`, `e.g. meraki-batch batches ${sub} 173869674715421`, 2);
  if (extra.length || (["list", "prune"].includes(sub) && id)) throw new CliError(`unexpected argument '${extra[0] ?? id}'`, undefined, 2);
  if ((values.plan !== undefined || values.force) && sub !== "confirm") throw new CliError(`--plan and --force only apply to 'batches confirm'`, undefined, 2);
  if (values.plan !== undefined && values.force) throw new CliError("give either --plan FILE or --force, not both", undefined, 2);
  const status = values.status as string | undefined;
  if (status !== undefined && !["pending", "completed", "failed"].includes(status)) throw new CliError(`--status must be pending, completed or failed, got '${status}'`, undefined, 2);
  const c = colours(io);
  // With --plan, the plan's organization and API (as for apply --plan).
  const conn = await connect({ values, io, fromPlan: values.plan !== undefined ? readPlanFile(values.plan as string) : undefined });
  const api = new BatchApi(conn.client);
  const org = conn.organizationId;
  const ledger = conn.engine.ledger;
  try {
    switch (sub) {
      case "list": {
        const list = (await api.list(org, status as "pending" | undefined)).map(hideSecrets);
        if (values.json) io.stdout.write(JSON.stringify(list, null, 2) + "\n");
        else if (!list.length) io.stdout.write(`No action batches${status ? ` (${status})` : ""} in organization ${org}.\n`);
        else {
          io.stdout.write(`${"ID".padEnd(20)} ${"STATE".padEnd(12)} ${"MODE".padEnd(13)} ACTIONS\n`);
          const record = recordLookup(ledger, conn.client.baseUrl, org);
          for (const b of list) {
            const made = provenance(record, b);
            io.stdout.write(`${b.id.padEnd(20)} ${state(b).padEnd(12)} ${(b.synchronous ? "synchronous" : "asynchronous").padEnd(13)} ${b.actions.length}  ${c.dim(summariseActions(b.actions) + (made ? ` (${made})` : ""))}\n`);
          }
        }
        return 0;
      }
      case "show": {
        const b = hideSecrets(await api.get(org, id));
        if (values.json) {
          io.stdout.write(JSON.stringify(b, null, 2) + "\n");
          return 0;
        }
        const made = provenance((x) => recordOf(ledger, conn.client.baseUrl, x), b);
        io.stdout.write(`Batch ${b.id} in organization ${b.organizationId}: ${state(b)}, ${b.synchronous ? "synchronous" : "asynchronous"}, ${b.actions.length} action${b.actions.length === 1 ? "" : "s"}${made ? ` (made by ${made})` : ""}\n`);
        b.actions.forEach((a, i) => io.stdout.write(`  ${String(i + 1).padStart(3)}. ${a.operation.padEnd(7)} ${a.resource} ${c.dim(JSON.stringify(a.body ?? {}))}\n`));
        for (const e of b.status.errors ?? []) io.stdout.write(c.red(`  error: ${e}\n`));
        for (const r of b.status.createdResources ?? []) io.stdout.write(`  created ${r.uri}\n`);
        return 0;
      }
      case "confirm": {
        const b = await api.get(org, id);
        if (b.confirmed) {
          io.stdout.write(`Batch ${id} is already confirmed (${state(b)}).\n`);
          return b.status.failed ? 1 : 0;
        }
        // The saved-plan contract (issue #21.2): a staged batch is confirmed only while the live
        // fields it changes are still what its plan showed, and after the batches it waits for.
        const checked = values.force ? undefined : await checkAgainstPlan(conn.engine, b, values.plan as string | undefined);
        if (checked) io.stdout.write(`${checked}\n`);
        else io.stdout.write(c.yellow(`Not checked against a plan (--force): batch ${id} is confirmed as it is.\n`));
        if (!(await confirm(io, `Confirm batch ${id} (${b.actions.length} action${b.actions.length === 1 ? "" : "s"}: ${summariseActions(b.actions)})?`, values.yes === true, { doing: "confirm the batch", hint: `check it with 'meraki-batch batches show ${id}', then run again with --yes` }))) {
          io.stdout.write("Not confirmed.\n");
          return 1;
        }
        const final = await confirmAndWait(api, org, id, submitDefaults(realClock));
        ledger.forget(id, conn.client.baseUrl);
        if (final.status.completed) {
          io.stdout.write(c.green(`Batch ${id} completed.\n`));
          return 0;
        }
        io.stdout.write(c.red(`Batch ${id} failed:\n${(final.status.errors ?? []).map((e) => `  ${e}`).join("\n")}\n`));
        return 1;
      }
      case "prune":
        return await prune(io, api, org, ledger, conn.client.baseUrl, values);
      default: {
        await api.remove(org, id);
        ledger.forget(id, conn.client.baseUrl);
        io.stdout.write(`Deleted batch ${id}.\n`);
        return 0;
      }
    }
  } catch (err) {
    throw asCliError(err);
  } finally {
    await conn.close();
  }
}

/**
 * The batch against the plan it was staged with: that plan from --plan FILE or from this machine's
 * ledger; refused (CliError, nothing sent) when it is not the plan's, waits for an unfinished batch,
 * or the live network moved. Returns a line saying what was checked.
 */
async function checkAgainstPlan(engine: Engine, b: ActionBatch, file: string | undefined): Promise<string> {
  const ledger = engine.ledger;
  const baseUrl = engine.client.baseUrl;
  const record = recordOf(ledger, baseUrl, b);
  let plan: PlanFile | undefined;
  let from: string;
  if (file !== undefined) {
    plan = readPlanFile(file);
    from = file;
  } else {
    const text = record?.plan ? ledger.loadPlan(record.plan) : undefined;
    if (!text) {
      throw new CliError(
        `the plan batch ${b.id} was staged with is not known on this machine${record ? "" : " (it was not staged here)"}; nothing was sent`,
        `give the plan file it was staged with: meraki-batch batches confirm ${b.id} --plan plan.json (or apply it whole: meraki-batch apply --plan plan.json); --force confirms it unchecked`,
      );
    }
    plan = parsePlan(JSON.parse(text)).plan as PlanFile | undefined;
    from = "the plan it was staged with on this machine";
    if (!plan) throw new CliError(`the plan kept for batch ${b.id} cannot be read; nothing was sent`, `give the plan file: meraki-batch batches confirm ${b.id} --plan plan.json`);
  }
  const problems = integrityProblems(plan);
  if (problems.length) throw new CliError(`${from} is not the plan that was made; nothing was sent:\n  ${problems.join("\n  ")}`, "make a new plan and review it");
  if (plan.organizationId !== b.organizationId) throw new CliError(`${from} is for organization ${plan.organizationId}, not ${b.organizationId}; nothing was sent`);
  const batch = plan.batches.find((x) => x.stagedId === b.id) ?? plan.batches.find((x) => sameActions(x.actions, b.actions ?? []));
  if (!batch || !sameActions(batch.actions, b.actions ?? [])) {
    throw new CliError(`batch ${b.id} is not a batch of ${from} (its actions are not those of any of its batches); nothing was sent`, "confirm it with the plan it was staged with (--plan FILE)");
  }
  const n = (i: number) => `#${i + 1}`;
  for (const i of batch.after) {
    const dep = plan.batches.find((x) => x.index === i);
    const done = dep?.stagedId ? await engine.batchState(dep.stagedId) : undefined;
    if (done !== "completed") {
      throw new CliError(
        `batch ${b.id} is batch ${n(batch.index)} of the plan, which waits for batch ${n(i)}${dep?.stagedId ? ` (${dep.stagedId}, ${done ?? "gone"})` : ""}: it has not completed; nothing was sent`,
        dep?.stagedId && done === "unconfirmed" ? `confirm that one first: meraki-batch batches confirm ${dep.stagedId}${file ? ` --plan ${file}` : ""}; or apply the whole plan: meraki-batch apply --plan FILE` : "apply the whole plan: meraki-batch apply --plan FILE",
      );
    }
  }
  const { moved, culprits } = await engine.checkBatch(plan, batch.index);
  if (moved.length) {
    const shown = capped(moved, 20, (k) => `… and ${k} more resources`);
    throw new CliError(`the live network changed since the plan was made; batch ${b.id} was not confirmed:\n  ${[...shown, ...culprits].join("\n  ")}`, "make a new plan and review it (plan --stage stages its batches)");
  }
  return `Checked against ${from} (plan ${shortDigest(plan.digest)}): batch ${n(batch.index)} of ${plan.batches.length}; the live fields it changes are as the plan showed.`;
}

async function prune(io: Io, api: BatchApi, org: string, ledger: DraftLedger, baseUrl: string, values: Record<string, unknown>): Promise<number> {
  const drafts = (await api.list(org, "pending")).filter((b) => !b.confirmed);
  const doomed: Array<{ b: ActionBatch; why: string; record?: DraftRecord }> = [];
  const kept: Array<{ b: ActionBatch; why: string }> = [];
  const recordOfDraft = recordLookup(ledger, baseUrl, org);
  for (const b of drafts) {
    const r = recordOfDraft(b);
    if (r) {
      if (r.purpose === "run" && runAlive(r)) kept.push({ b, why: "its run is still going" });
      else doomed.push({ b, record: r, why: `made by meraki-batch on this machine ${age(Date.now() - r.createdAt)} ago${r.purpose === "review" ? " (staged for review)" : ", its run has ended"}` });
    } else if (madeByThisTool(b.actions ?? [])) {
      doomed.push({ b, why: "made elsewhere; every action is one meraki-batch writes" });
    } else {
      kept.push({ b, why: "not made by meraki-batch" });
    }
  }
  const line = (x: { b: ActionBatch; why: string }) => `  ${x.b.id}  ${x.b.actions.length} action${x.b.actions.length === 1 ? "" : "s"}: ${summariseActions(x.b.actions)} (${x.why})\n`;
  if (!doomed.length) {
    io.stdout.write(`No unconfirmed drafts of meraki-batch to delete in organization ${org}${kept.length ? ` (${kept.length} other unconfirmed kept)` : ""}.\n`);
    return 0;
  }
  io.stdout.write(`${values["dry-run"] ? "Would delete" : "Deleting"} ${doomed.length} unconfirmed draft${doomed.length === 1 ? "" : "s"}:\n${doomed.map(line).join("")}`);
  if (kept.length) io.stdout.write(`Keeping:\n${kept.map(line).join("")}`);
  if (values["dry-run"]) return 0;
  if (!(await confirm(io, "Delete them?", values.yes === true, { doing: "delete the drafts", hint: "check the list (--dry-run), then run again with --yes" }))) {
    io.stdout.write("Nothing deleted.\n");
    return 1;
  }
  let deleted = 0;
  for (const { b, record } of doomed) {
    try {
      await api.remove(org, b.id);
      deleted++;
    } catch (err) {
      // Confirmed meanwhile, or gone: either way not a draft any more.
      if (!isNotFound(err)) io.stderr.write(`could not delete ${b.id}: ${(err as Error).message}\n`);
    }
    ledger.forget(b.id, baseUrl);
    if (record && record.id !== b.id) ledger.forget(record.id, baseUrl);
  }
  io.stdout.write(`Deleted ${deleted} draft${deleted === 1 ? "" : "s"}.\n`);
  return 0;
}

import { ActionBatch, BatchApi } from "../../provider";
import { submit, submitDefaults } from "../../provider/apply/submit";
import { realClock } from "../../provider/clock";
import { parse } from "../args";
import { CONNECTION_HELP, CONNECTION_OPTIONS, asCliError, connect } from "../connection";
import { CliError } from "../errors";
import { summariseActions } from "../format";
import { Io, colours, processIo } from "../io";
import { confirm } from "../prompt";

export const help = `Usage: meraki-batch batches list [--status pending|completed|failed] [--json]
       meraki-batch batches show ID [--json]
       meraki-batch batches confirm ID [--yes]
       meraki-batch batches delete ID

Inspects and acts on the organization's action batches: list them, show one with its actions
and status, confirm an unconfirmed (staged) batch and wait for it to finish, or delete an
unconfirmed one. Confirmed batches cannot be deleted.

Options:
  --status S               list only pending, completed or failed batches
  --json                   print JSON
  --yes                    confirm without asking
  -h, --help               show this help

${CONNECTION_HELP}`;

function state(b: ActionBatch): string {
  if (!b.confirmed) return "unconfirmed";
  if (b.status.completed) return "completed";
  if (b.status.failed) return "failed";
  return "running";
}

export async function run(argv: string[], io: Io = processIo()): Promise<number> {
  const { values, positionals } = parse("batches", argv, { status: { type: "string" }, json: { type: "boolean" }, yes: { type: "boolean", short: "y" }, ...CONNECTION_OPTIONS });
  if (values.help || positionals.length === 0) {
    io.stdout.write(help);
    return values.help ? 0 : 2;
  }
  const [sub, id, ...extra] = positionals;
  if (!["list", "show", "confirm", "delete"].includes(sub)) throw new CliError(`unknown batches command '${sub}'`, "use list, show, confirm or delete", 2);
  if (sub !== "list" && !id) throw new CliError(`missing the batch id`, `e.g. meraki-batch batches ${sub} 173869674715421`, 2);
  if (extra.length || (sub === "list" && id)) throw new CliError(`unexpected argument '${extra[0] ?? id}'`, undefined, 2);
  const status = values.status as string | undefined;
  if (status !== undefined && !["pending", "completed", "failed"].includes(status)) throw new CliError(`--status must be pending, completed or failed, got '${status}'`, undefined, 2);
  const c = colours(io);
  const conn = await connect({ values, io });
  const api = new BatchApi(conn.client);
  const org = conn.organizationId;
  try {
    switch (sub) {
      case "list": {
        const list = await api.list(org, status as "pending" | undefined);
        if (values.json) io.stdout.write(JSON.stringify(list, null, 2) + "\n");
        else if (!list.length) io.stdout.write(`No action batches${status ? ` (${status})` : ""} in organization ${org}.\n`);
        else {
          io.stdout.write(`${"ID".padEnd(20)} ${"STATE".padEnd(12)} ${"MODE".padEnd(13)} ACTIONS\n`);
          for (const b of list) io.stdout.write(`${b.id.padEnd(20)} ${state(b).padEnd(12)} ${(b.synchronous ? "synchronous" : "asynchronous").padEnd(13)} ${b.actions.length}  ${c.dim(summariseActions(b.actions))}\n`);
        }
        return 0;
      }
      case "show": {
        const b = await api.get(org, id);
        if (values.json) {
          io.stdout.write(JSON.stringify(b, null, 2) + "\n");
          return 0;
        }
        io.stdout.write(`Batch ${b.id} in organization ${b.organizationId}: ${state(b)}, ${b.synchronous ? "synchronous" : "asynchronous"}, ${b.actions.length} actions\n`);
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
        if (!(await confirm(io, `Confirm batch ${id} (${b.actions.length} actions: ${summariseActions(b.actions)})?`, values.yes === true))) {
          io.stdout.write("Not confirmed.\n");
          return 1;
        }
        const final = await submit(api, org, { index: 0, actions: b.actions, synchronous: b.synchronous, stagedId: id }, submitDefaults(realClock), () => undefined);
        if (final.status.completed) {
          io.stdout.write(c.green(`Batch ${id} completed.\n`));
          return 0;
        }
        io.stdout.write(c.red(`Batch ${id} failed:\n${(final.status.errors ?? []).map((e) => `  ${e}`).join("\n")}\n`));
        return 1;
      }
      default: {
        await api.remove(org, id);
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

/** The plan as the terminal shows it: summary, grouped changes, batches in execution order, summary again. */
import { Plan } from "../../provider";
import { Colours } from "../io";
import { Entry, FieldLine, GroupedPlan, groupPlan, portTemplate } from "./group";
import { ownershipLines } from "./ownership";
import { OP_WORDS, SYMBOL, describeBatches, describeKinds, describeWaits, plural, shortDigest, show, showResource, summariseBatch } from "./shared";

export interface PlanFormat {
  /** "all": every action of every batch (runs of ports compressed); "summary": counts per batch. */
  actions: "all" | "summary";
  /** Show at most this many entries, then a count of the changes not shown. */
  maxResources?: number;
}

/** Fields on the entry's line when they fit in this many columns, else one per line. */
const INLINE_WIDTH = 100;
/** Outputs longer than this repeat the summary at the end. */
const LONG_OUTPUT_LINES = 40;

export function fieldText(f: FieldLine): string {
  return `${f.path} ${show(f.old)} → ${show(f.new)}`;
}

/** What an entry changes, field by field: all fields of a create or of what a delete removes. */
export function entryFields(e: Entry): string[] {
  if (e.op === "create") return e.fields.map((f) => `${f.path} ${show(f.new)}`);
  if (e.removed !== undefined) return e.removed ? Object.entries(e.removed).map(([k, v]) => `${k} ${show(v)}`) : [];
  return e.fields.map(fieldText);
}

/** The resource names of an entry: "users", "switch-a-desk-{port}", "a, b, c" or "a … z". */
export function entryNames(e: Entry): string {
  if (e.names.length === 1) return e.names[0];
  const templates = new Set(e.names.map((n, i) => portTemplate(n, e.ports?.[i] ?? "")));
  const [only] = templates;
  if (templates.size === 1 && only !== undefined) return only;
  return e.names.length <= 3 ? e.names.join(", ") : `${e.names[0]} … ${e.names[e.names.length - 1]}`;
}

/** "+ Vlan users (VLAN 10)", "~ ports 2-40 (switch-a-desk-{port})" */
export function entryHead(e: Entry): string {
  return e.ports ? `${SYMBOL[e.op]} ${e.subject} (${entryNames(e)})` : `${SYMBOL[e.op]} ${e.label} ${e.names[0]} (${e.subject})`;
}

function summary(plan: Plan, c: Colours): string[] {
  const s = plan.summary;
  const changed = s.create + s.update + s.delete;
  const kinds = describeKinds(plan.changes);
  return [
    c.bold(`Plan for organization ${plan.organizationId}: ${plural(changed, "resource")} to change (${s.create} to create, ${s.update} to update, ${s.delete} to delete), ${s.noop} ${OP_WORDS.noop}`),
    ...(kinds ? [`  ${kinds}`] : []),
    `  ${describeBatches(plan)} · plan ${shortDigest(plan.digest)}` + c.dim(` · live state ${shortDigest(plan.liveDigest)}`),
  ];
}

function entryLines(e: Entry, indent: string, c: Colours): string[] {
  const colour = { create: c.green, update: c.yellow, delete: c.red, noop: c.dim }[e.op];
  const head = entryHead(e);
  const fields = entryFields(e);
  const what = e.removed !== undefined ? "deleted" : "";
  const inline = [what, fields.join(", ")].filter(Boolean).join("; was ");
  const lines: string[] = [];
  if (`${indent}${head}: ${inline}`.length <= INLINE_WIDTH) lines.push(indent + colour(head) + (inline ? `: ${inline}` : ""));
  else {
    lines.push(indent + colour(head) + (what ? `: ${what}; was` : ":"));
    for (const f of fields) lines.push(`${indent}    ${f}`);
  }
  for (const n of e.notes ?? []) lines.push(`${indent}    ${c.yellow(`note: ${n}`)}`);
  return lines;
}

/** The grouped changes: network, then its devices, then their ports. */
export function groupedLines(g: GroupedPlan, c: Colours, maxEntries = Number.POSITIVE_INFINITY): string[] {
  const lines: string[] = [];
  let shown = 0;
  let hidden = 0;
  const add = (e: Entry, indent: string, heading: () => void) => {
    if (shown >= maxEntries) {
      hidden += e.keys.length;
      return;
    }
    heading();
    shown++;
    lines.push(...entryLines(e, indent, c));
  };
  for (const n of g.networks) {
    let networkShown = false;
    const networkHeading = () => {
      if (networkShown) return;
      networkShown = true;
      lines.push("", c.bold(n.networkId === null ? "Not in a network" : `Network ${n.networkId}`));
    };
    for (const e of n.entries) add(e, "  ", networkHeading);
    for (const d of n.devices) {
      let deviceShown = false;
      for (const e of d.entries) {
        add(e, "    ", () => {
          networkHeading();
          if (!deviceShown) lines.push(`  ${c.bold(`Device ${d.serial}`)}`);
          deviceShown = true;
        });
      }
    }
  }
  if (hidden) lines.push("", c.dim(`  … and ${plural(hidden, "more change")} not shown (the full plan: meraki-batch plan)`));
  return lines;
}

/** "5-43" for a run of actions, right-aligned. */
function actionLines(batch: Plan["batches"][number]): Array<{ label: string; operation: string; resource: string }> {
  const out: Array<{ label: string; operation: string; resource: string }> = [];
  const split = (r: string) => /^(.*\/)(\d+)$/.exec(r);
  for (let i = 0; i < batch.actions.length; ) {
    const a = batch.actions[i];
    const m = split(a.resource);
    let j = i;
    if (m) {
      while (j + 1 < batch.actions.length) {
        const next = batch.actions[j + 1];
        const n = split(next.resource);
        if (!n || next.operation !== a.operation || n[1] !== m[1] || Number(n[2]) !== Number(m[2]) + (j + 1 - i)) break;
        j++;
      }
    }
    if (j - i < 2) j = i; // runs of three or more only
    if (j > i) out.push({ label: `${i + 1}-${j + 1}`, operation: a.operation, resource: `${m![1]}{${m![2]}-${split(batch.actions[j].resource)![2]}}` });
    else out.push({ label: String(i + 1), operation: a.operation, resource: showResource(a.resource) });
    i = j + 1;
  }
  return out;
}

function batchLines(plan: Plan, c: Colours, opts: PlanFormat): string[] {
  const lines = ["", c.bold(`Batches: ${plan.batches.length} (${plural(plan.summary.actions, "action")}), in execution order:`)];
  for (const b of plan.batches) {
    const after = describeWaits(b, plan.batches);
    const waits = after ? `, ${after}` : "";
    const staged = b.stagedId ? `, staged as ${b.stagedId}` : "";
    lines.push(`  #${b.index + 1}  ${plural(b.actions.length, "action")}, ${b.synchronous ? "synchronous" : "asynchronous"}${waits}${staged}: ${summariseBatch(b, plan.changes)}`);
    if (opts.actions === "all") {
      const rows = actionLines(b);
      const width = Math.max(3, ...rows.map((r) => r.label.length));
      for (const r of rows) lines.push(c.dim(`      ${r.label.padStart(width)}. ${r.operation.padEnd(7)} ${r.resource}`));
    }
  }
  return lines;
}

export function formatPlan(plan: Plan, c: Colours, opts: PlanFormat = { actions: "all" }): string {
  const head = summary(plan, c);
  if (!plan.changes.some((ch) => ch.op !== "noop")) return [...head, "", c.green("No changes. The live network matches the program."), ...ownershipLines(plan, c)].join("\n") + "\n";
  const g = groupPlan(plan);
  const body = [...groupedLines(g, c, opts.maxResources), ...ownershipLines(plan, c), ...batchLines(plan, c, opts)];
  const lines = [...head, ...body];
  if (lines.length > LONG_OUTPUT_LINES) lines.push("", ...summary(plan, c));
  return lines.join("\n") + "\n";
}

/** What the CLI prints for a plan: per resource and per batch, and the Markdown summary. */
import { Change, Plan } from "../provider";
import { KINDS } from "../provider/resources";
import { naturalCompare } from "../provider/plan/order";
import { Colours } from "./io";

const SYMBOL: Record<Change["op"], string> = { create: "+", update: "~", delete: "-", noop: " " };

const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));
const label = (c: Change) => `${KINDS[c.kind].label} ${c.name}`;

export interface PlanFormat {
  /** "all": every action of every batch; "summary": counts per batch. */
  actions: "all" | "summary";
  /** Show at most this many changed resources, then a count of the rest. */
  maxResources?: number;
}

const OP_ORDER: Record<Change["op"], number> = { create: 0, update: 1, delete: 2, noop: 3 };
const KIND_ORDER = { vlansSettings: -1, vlan: 0, deviceTags: 1, switchPort: 2 } as const;

/** Creates, then updates, then deletes; VLANs, then devices, then ports; natural key order. */
export function displayOrder(changes: Change[]): Change[] {
  return [...changes].sort((a, b) => OP_ORDER[a.op] - OP_ORDER[b.op] || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || naturalCompare(a.key, b.key));
}

export function formatPlan(plan: Plan, c: Colours, opts: PlanFormat = { actions: "all" }): string {
  const lines: string[] = [];
  const s = plan.summary;
  const total = plan.changes.length;
  lines.push(c.bold(`Plan for organization ${plan.organizationId}: ${total} resource${total === 1 ? "" : "s"}, ${describeCounts(plan)}`));
  const colour = { create: c.green, update: c.yellow, delete: c.red, noop: c.dim };
  const changed = displayOrder(plan.changes.filter((ch) => ch.op !== "noop"));
  if (!changed.length) {
    lines.push("", c.green("No changes. The live network matches the program."));
    return lines.join("\n") + "\n";
  }
  lines.push("");
  const shown = changed.slice(0, opts.maxResources ?? changed.length);
  for (const ch of shown) {
    lines.push(colour[ch.op](`${SYMBOL[ch.op]} ${label(ch)}`) + c.dim(`  (${ch.description})`));
    for (const f of ch.fields) {
      if (ch.op === "create") lines.push(`    ${f.path}: ${show(f.new)}`);
      else if (ch.op === "delete" && ch.kind === "vlan") lines.push(c.red(`    deleted (was ${show(ch.live)})`));
      else lines.push(`    ${f.path}: ${show(f.old)} → ${show(f.new)}`);
    }
    for (const n of ch.notes ?? []) lines.push(c.yellow(`    note: ${n}`));
  }
  if (shown.length < changed.length) lines.push(c.dim(`  … and ${changed.length - shown.length} more changed resource${changed.length - shown.length === 1 ? "" : "s"} (the full plan: meraki-batch plan)`));
  if (s.noop) lines.push(c.dim(`  ${s.noop} unchanged resource${s.noop === 1 ? "" : "s"} not shown`));
  lines.push("", c.bold(`Batches: ${s.batches} (${s.actions} action${s.actions === 1 ? "" : "s"}), in this order:`));
  for (const b of plan.batches) {
    const after = b.after.length ? `, after #${b.after.map((i) => i + 1).join(", #")}` : "";
    const staged = b.stagedId ? `, staged as ${b.stagedId}` : "";
    lines.push(`  #${b.index + 1}  ${b.actions.length} action${b.actions.length === 1 ? "" : "s"}, ${b.synchronous ? "synchronous" : "asynchronous"}${after}${staged}`);
    if (opts.actions === "all") {
      b.actions.forEach((a, i) => lines.push(c.dim(`      ${String(i + 1).padStart(3)}. ${a.operation.padEnd(7)} ${a.resource}`)));
    } else {
      lines.push(c.dim(`      ${summariseActions(b.actions)}`));
    }
  }
  return lines.join("\n") + "\n";
}

function describeCounts(plan: Plan): string {
  const s = plan.summary;
  const parts = [`${s.create} to create`, `${s.update} to update`, `${s.delete} to delete`, `${s.noop} unchanged`];
  return parts.join(", ");
}

/** "4 VLAN creates, 2 VLAN updates, 90 port updates" */
export function summariseActions(actions: Plan["batches"][number]["actions"]): string {
  const counts = new Map<string, number>();
  for (const a of actions) {
    const what = /\/switch\/ports\//.test(a.resource) ? "port" : /\/appliance\/vlans/.test(a.resource) ? "VLAN" : /^\/devices\/[^/]+$/.test(a.resource) ? "device" : a.resource;
    const key = `${what} ${a.operation}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].map(([k, n]) => `${n} ${k}${n === 1 ? "" : "s"}`).join(", ");
}

const md = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A summary fit for a pull-request comment. */
export function formatMarkdown(plan: Plan, meta: { program?: string; stack?: string }): string {
  const s = plan.summary;
  const out: string[] = [];
  out.push(`### meraki-batch plan${meta.program ? `: \`${meta.program}\`${meta.stack ? ` (${meta.stack})` : ""}` : ""}`, "");
  out.push(`Organization \`${plan.organizationId}\` · ${s.create} to create · ${s.update} to update · ${s.delete} to delete · ${s.noop} unchanged`, "");
  if (!plan.changes.some((c) => c.op !== "noop")) {
    out.push("**No changes.** The live network matches the program.", "");
  } else {
    const changed = displayOrder(plan.changes.filter((c) => c.op !== "noop"));
    const table = ["| | Resource | What | Changes |", "|---|---|---|---|"];
    for (const c of changed) {
      const fields = c.op === "delete" && c.kind === "vlan" ? "deleted" : c.fields.map((f) => (c.op === "create" ? `\`${f.path}\` = \`${show(f.new)}\`` : `\`${f.path}\`: \`${show(f.old)}\` → \`${show(f.new)}\``)).join("<br>");
      table.push(`| ${SYMBOL[c.op]} | ${md(label(c))} | ${md(c.description)} | ${md(fields)} |`);
    }
    const body = table.join("\n");
    out.push(changed.length > 30 ? `<details><summary>${changed.length} resources change</summary>\n\n${body}\n\n</details>` : body, "");
    out.push(`**${s.batches} action batch${s.batches === 1 ? "" : "es"}, ${s.actions} actions**, each atomic (all or nothing):`, "");
    out.push("| # | Actions | Mode | After | Contents |", "|---|---|---|---|---|");
    for (const b of plan.batches) {
      out.push(`| ${b.index + 1} | ${b.actions.length} | ${b.synchronous ? "synchronous" : "asynchronous"} | ${b.after.map((i) => `#${i + 1}`).join(", ") || "–"} | ${summariseActions(b.actions)}${b.stagedId ? ` (staged: \`${b.stagedId}\`)` : ""} |`);
    }
    out.push("");
  }
  out.push(`<sub>Plan digest \`${plan.digest}\` · live-state digest \`${plan.liveDigest.slice(0, 19)}…\` · made ${plan.createdAt}.</sub>`, "");
  return out.join("\n");
}

/**
 * The plan as a pull-request comment: summary, batches, grouped changes, then per-port detail in
 * <details> blocks, then the summary again; never longer than a comment may be (GitHub takes
 * 65,536 characters): what does not fit is cut, with a line that says how much and where the
 * full plan is.
 */
import { Plan } from "../../provider";
import { Entry, GroupedPlan, entriesOf, groupPlan, memberFields } from "./group";
import { OPS, SYMBOL, batchWaits, countsByKind, describeBatches, plural, shortDigest, show, summariseBatch } from "./shared";
import { entryNames } from "./text";
import { ownershipMarkdown } from "./ownership";

/** Characters a comment may hold, with room for what a workflow adds around it. */
export const MARKDOWN_LIMIT = 60_000;
/** Comments with more lines of changes than this repeat the summary at the end. */
const LONG_BODY_LINES = 40;
/** Batch rows shown before the rest are counted. */
const MAX_BATCH_ROWS = 100;

export interface MarkdownMeta {
  program?: string;
  stack?: string;
  /** Where the full plan is, e.g. the file given to `plan --out`. */
  planFile?: string;
  /** The size limit (tests use a small one). */
  limit?: number;
}

/** Text that stays text in a table cell or HTML: no Markdown, no HTML, no cell break. */
export function mdText(s: string): string {
  return s
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * A literal value: a backtick code span when nothing in it can end the span or the table cell,
 * else <code> with every character that means something escaped.
 */
export function code(s: string): string {
  const flat = s.replace(/\r?\n/g, " ");
  return flat === "" || /[`|\\]/.test(flat) || /^ | $/.test(flat) ? `<code>${mdText(flat)}</code>` : `\`${flat}\``;
}
const value = (v: unknown) => (v === null || v === undefined ? "–" : code(show(v)));

/** The comment's first line, hidden when rendered: which plan this is (a workflow finds its comment by it). */
export function marker(plan: Plan, meta: MarkdownMeta): string {
  const json = JSON.stringify({ program: meta.program, stack: meta.stack, digest: plan.digest });
  return `<!-- meraki-batch-plan ${json.replace(/-(?=-)/g, "\\u002d").replace(/>/g, "\\u003e")} -->`;
}

function title(meta: MarkdownMeta): string {
  const what = meta.program ? `: ${code(meta.program)}${meta.stack ? ` (${mdText(meta.stack)})` : ""}` : "";
  return `### meraki-batch plan${what}`;
}

function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const changed = s.create + s.update + s.delete;
  return `**${plural(changed, "resource")} to change**, ${s.noop} unchanged · **${describeBatches(plan)}** · plan ${code(shortDigest(plan.digest))} · <sub>live state ${code(shortDigest(plan.liveDigest))}</sub>`;
}

function kindTable(plan: Plan): string[] {
  const rows = countsByKind(plan.changes).map((k) => `| ${mdText(k.label)} | ${OPS.map((op) => k.counts[op] || "–").join(" | ")} |`);
  return ["| Kind | Create | Update | Delete | Unchanged |", "|---|--:|--:|--:|--:|", ...rows];
}

function batchTable(plan: Plan): string[] {
  const out = [
    `#### ${plural(plan.batches.length, "batch")}, in execution order`,
    "",
    "Each batch applies entirely or not at all; a batch starts once the batches it waits for completed.",
    "",
    "| # | Actions | Mode | Waits for | Contents |",
    "|--:|--:|---|---|---|",
  ];
  for (const b of plan.batches.slice(0, MAX_BATCH_ROWS)) {
    const staged = b.stagedId ? ` (staged: ${code(b.stagedId)})` : "";
    out.push(`| ${b.index + 1} | ${b.actions.length} | ${b.synchronous ? "synchronous" : "asynchronous"} | ${waitsCell(b, plan)} | ${mdText(summariseBatch(b, plan.changes))}${staged} |`);
  }
  if (plan.batches.length > MAX_BATCH_ROWS) out.push("", `… and ${plural(plan.batches.length - MAX_BATCH_ROWS, "more batch", "more batches")}.`);
  return out;
}

/** "#1", or "after #1 (ids it assigns)" for a batch whose actions use ids #1 assigns. */
function waitsCell(b: Plan["batches"][number], plan: Plan): string {
  const { ids, order } = batchWaits(b, plan.batches);
  const parts = [...(ids.length ? [`after ${ids.map((i) => `#${i + 1}`).join(", ")} (the ids ${ids.length === 1 ? "it assigns" : "they assign"})`] : []), ...order.map((i) => `#${i + 1}`)];
  return parts.join(", ") || "–";
}

function changesCell(e: Entry): string {
  let parts: string[];
  if (e.op === "create") parts = e.fields.map((f) => `${code(f.path)} ${value(f.new)}`);
  else if (e.removed !== undefined) parts = ["**deleted**", ...Object.entries(e.removed ?? {}).map(([k, v]) => `${code(k)} was ${value(v)}`)];
  else parts = e.fields.map((f) => `${code(f.path)} ${value(f.old)} → ${value(f.new)}`);
  for (const n of e.notes ?? []) parts.push(`⚠️ ${mdText(n)}`);
  return parts.join("<br>");
}

function entryRow(e: Entry): string {
  const what = e.ports ? `${mdText(e.subject)} (${code(entryNames(e))})` : `${mdText(e.label)} ${code(e.names[0])} (${mdText(e.subject)})`;
  return `| ${SYMBOL[e.op]} | ${what} | ${changesCell(e)} |`;
}

/** A piece of the comment and the changes it shows; a block starts a new paragraph. */
interface Piece {
  text: string;
  changes: number;
  block?: true;
}

const TABLE_HEAD = "| | Resource | Changes |\n|---|---|---|";

/** The grouped changes, one piece per heading and per row, in display order. */
function changePieces(g: GroupedPlan): Piece[] {
  const pieces: Piece[] = [{ text: "#### Changes", changes: 0, block: true }];
  const table = (heading: string, entries: Entry[]) => {
    if (!entries.length) return;
    pieces.push({ text: `${heading}\n\n${TABLE_HEAD}`, changes: 0, block: true });
    for (const e of entries) pieces.push({ text: entryRow(e), changes: e.keys.length });
  };
  for (const n of g.networks) {
    const network = n.networkId === null ? "**Not in a network**" : `**Network ${code(n.networkId)}**`;
    table(network, n.entries);
    for (const d of n.devices) table(`**Device ${code(d.serial)}**${n.networkId ? ` · network ${code(n.networkId)}` : ""}`, d.entries);
  }
  return pieces;
}

/** Per-port detail of each device with port ranges: each port of a range, its resource and its own values. */
function detailPieces(g: GroupedPlan): Piece[] {
  const pieces: Piece[] = [];
  for (const n of g.networks) {
    for (const d of n.devices) {
      const ranges = d.entries.filter((e) => e.ports && e.ports.length > 1);
      if (!ranges.length) continue;
      const ports = ranges.reduce((k, e) => k + e.ports!.length, 0);
      const lines = [`<details><summary>Device ${mdText(d.serial)}: ${plural(ports, "port")} of ${plural(ranges.length, "range")}, one by one</summary>`];
      for (const e of ranges) {
        const own = e.fields.flatMap((f, i) => (f.oldPerPort || f.newPerPort ? [i] : []));
        lines.push("", `${mdText(e.subject)}${own.length ? `, each with its own ${own.map((i) => code(e.fields[i].path)).join(", ")}` : ""}:`, "");
        lines.push(`| Port | Resource |${own.map((i) => ` ${code(e.fields[i].path)} |`).join("")}`, `|--:|---|${own.map(() => "---|").join("")}`);
        e.ports!.forEach((port, p) => {
          const fields = memberFields(e, p);
          const cells = own.map((i) => (e.fields[i].oldPerPort ? `${value(fields[i].old)} → ${value(fields[i].new)}` : value(fields[i].new)));
          lines.push(`| ${mdText(port)} | ${code(e.names[p])} |${cells.map((c) => ` ${c} |`).join("")}`);
        });
      }
      lines.push("", "</details>");
      pieces.push({ text: lines.join("\n"), changes: 0, block: true });
    }
  }
  return pieces;
}

export function formatMarkdown(plan: Plan, meta: MarkdownMeta = {}): string {
  const limit = meta.limit ?? MARKDOWN_LIMIT;
  const head = [marker(plan, meta), title(meta), "", summaryLine(plan), ""];
  if (!plan.changes.some((c) => c.op !== "noop")) return [...head, "**No changes.** The live network matches the program.", ...ownershipMarkdown(plan, code, mdText), ""].join("\n");
  head.push(...kindTable(plan), "", ...batchTable(plan), ...ownershipMarkdown(plan, code, mdText), "");
  const foot = ["---", "", summaryLine(plan), ""];

  const g = groupPlan(plan);
  const total = entriesOf(g).reduce((n, e) => n + e.keys.length, 0);
  const where = meta.planFile ? `the plan file ${code(meta.planFile)} (a CI job keeps it as an artifact)` : "the output of <code>meraki-batch plan</code>";
  const reserve = 400;
  let size = [...head, ...foot].join("\n").length + reserve;
  const body: string[] = [];
  const add = (p: Piece) => {
    if (p.block) body.push("");
    body.push(p.text);
    size += p.text.length + 2;
  };
  const fits = (p: Piece) => size + p.text.length + 2 <= limit;
  let shownChanges = 0;
  let cut = false;
  for (const p of changePieces(g)) {
    if (!fits(p)) {
      cut = true;
      break;
    }
    add(p);
    shownChanges += p.changes;
  }
  if (cut) {
    body.push("", `**… ${plural(total - shownChanges, "more change")} not shown here** (${shownChanges} of ${total} shown; a comment holds ${limit.toLocaleString("en")} characters). The full plan: ${where}.`);
  } else {
    const details = detailPieces(g);
    if (details.length) add({ text: "#### Per-port detail", changes: 0, block: true });
    let omitted = 0;
    for (const p of details) {
      if (omitted || !fits(p)) omitted++;
      else add(p);
    }
    if (omitted) body.push("", `**Per-port detail of ${plural(omitted, "device")} not shown here** (a comment holds ${limit.toLocaleString("en")} characters). The full plan: ${where}.`);
  }
  // The summary again at the end of a long comment, where the reader stops.
  const lines = body.slice(1).join("\n").split("\n");
  return [...head, ...lines, "", ...(lines.length > LONG_BODY_LINES ? foot : [])].join("\n");
}

/**
 * What a plan of a whole program says about ownership (provider/plan/ownership.ts): the live
 * objects in its scope that it does not declare (left alone), warnings, and the networks whose
 * VLANs it owns. A few lines, whatever the network's size: long lists are cut with a count.
 */
import { Plan } from "../../provider";
import { idRanges } from "../../provider/plan/ownership";

/** Lines of each list shown before the rest are counted. */
const MAX_LINES = 10;

function cut(lines: string[]): string[] {
  return lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `… and ${lines.length - MAX_LINES} more`] : lines;
}

export interface OwnershipText {
  undeclared: string[];
  warnings: string[];
  owned: string[];
}

/** The report as lines (empty lists when there is nothing to say); `id` shows a network, switch or name. */
export function ownershipText(plan: Plan, id: (s: string) => string = (s) => s): OwnershipText {
  const o = plan.ownership;
  if (!o) return { undeclared: [], warnings: [], owned: [] };
  const undeclared = o.undeclared.map((n) =>
    n.kind === "vlans"
      ? `network ${id(n.scope)}: ${n.ids.length === 1 ? "VLAN" : "VLANs"} ${idRanges(n.ids)}`
      : `switch ${id(n.scope)}: ${n.ids.length === 1 ? "port" : "ports"} ${idRanges(n.ids)} (${n.fields!.join(", ")})`,
  );
  return {
    undeclared: cut(undeclared),
    warnings: cut(o.warnings),
    owned: o.owned.map((x) => `network ${id(x.networkId)} (VlanOwnership ${id(x.name)}): the VLANs it does not declare are deleted`),
  };
}

export const UNDECLARED_HEAD = "Not declared by the program, left alone";
export const UNDECLARED_HINT = "(declare them, or a VlanOwnership for the network to have its undeclared VLANs deleted)";

/** For the terminal. */
export function ownershipLines(plan: Plan, c: { yellow(s: string): string; dim(s: string): string; bold(s: string): string }): string[] {
  const t = ownershipText(plan);
  const lines: string[] = [];
  if (t.owned.length) lines.push("", c.bold("Owned by the program:"), ...t.owned.map((l) => `  ${l}`));
  if (t.undeclared.length) lines.push("", c.bold(`${UNDECLARED_HEAD}:`), ...t.undeclared.map((l) => `  ${l}`), c.dim(`  ${UNDECLARED_HINT}`));
  if (t.warnings.length) lines.push("", ...t.warnings.map((w) => c.yellow(`warning: ${w}`)));
  return lines;
}

/** For the pull-request comment: ids as code, free text through the caller's escaping. */
export function ownershipMarkdown(plan: Plan, code: (s: string) => string, text: (s: string) => string): string[] {
  const t = ownershipText(plan, code);
  const lines: string[] = [];
  if (t.owned.length) lines.push("", "**Owned by the program:**", "", ...t.owned.map((l) => `- ${l}`));
  if (t.undeclared.length) lines.push("", `**${UNDECLARED_HEAD}** ${text(UNDECLARED_HINT)}:`, "", ...t.undeclared.map((l) => `- ${l}`));
  if (t.warnings.length) lines.push("", ...t.warnings.map((w) => `⚠️ ${text(w)}`));
  return lines;
}

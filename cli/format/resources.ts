/**
 * Many resources in a few lines: the ports of a switch as a range ("ports 1-40, 47 of switch S"),
 * the VLANs of a network together, anything else by its description. Used wherever resources share
 * one outcome or one problem, so that output grows with the distinct things to say, not with the
 * number of resources (issue #21.5).
 */
import { naturalCompare } from "../../provider/plan/order";
import { compressIds, plural } from "./shared";

const PATTERNS: Array<{ re: RegExp; one: string; many: string; joiner: string }> = [
  { re: /^port (\S+) of switch (\S+)$/, one: "port", many: "ports", joiner: "of switch" },
  { re: /^VLAN (\S+) on network (\S+)$/, one: "VLAN", many: "VLANs", joiner: "on network" },
];

/** Descriptions ("port 5 of switch S") folded into lines ("ports 1-5 of switch S"), in order. */
export function compactDescriptions(descriptions: string[]): string[] {
  const groups = new Map<string, { p: (typeof PATTERNS)[number]; owner: string; ids: string[] }>();
  const out: Array<{ key: string; text?: string }> = [];
  for (const d of descriptions) {
    const p = PATTERNS.find((x) => x.re.test(d));
    if (!p) {
      out.push({ key: d, text: d });
      continue;
    }
    const [, id, owner] = p.re.exec(d)!;
    const key = `${p.one}\u0000${owner}`;
    let g = groups.get(key);
    if (!g) {
      groups.set(key, (g = { p, owner, ids: [] }));
      out.push({ key });
    }
    if (!g.ids.includes(id)) g.ids.push(id);
  }
  return out.map((o) => {
    if (o.text !== undefined) return o.text;
    const g = groups.get(o.key)!;
    const ids = [...g.ids].sort(naturalCompare);
    return `${ids.length === 1 ? g.p.one : g.p.many} ${compressIds(ids)} ${g.p.joiner} ${g.owner}`;
  });
}

/**
 * The lines listing a group of resources, at most `max` (the rest counted, with where the full
 * list is).
 */
export function resourceLines(descriptions: string[], max: number, fullListAt: string): string[] {
  const lines = compactDescriptions(descriptions);
  if (lines.length <= max) return lines;
  const shown = lines.slice(0, max - 1);
  const rest = lines.length - shown.length;
  return [...shown, `… and ${plural(rest, "more line")} of resources (${fullListAt})`];
}

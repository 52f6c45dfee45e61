/**
 * Validation problems as the CLI prints them: the same problem on many resources of one kind is one
 * line ("5 SwitchPorts (ports 1-5 of switch S): unknown field 'voiceVlna' — did you mean
 * 'voiceVlan'?"); a problem of one resource keeps its own line, as the engine words it.
 */
import { ValidationIssue } from "../../provider";
import { compactDescriptions } from "./resources";
import { plural } from "./shared";

const LABEL = /^(\S+) '(.*)' \((.*)\)$/;

export function formatIssues(issues: ValidationIssue[]): string {
  const groups = new Map<string, { kind?: string; items: ValidationIssue[]; descriptions: string[] }>();
  for (const i of issues) {
    const m = LABEL.exec(i.resource);
    const key = m ? `${m[1]}\u0000${i.path}\u0000${i.message}` : `\u0000${i.resource}\u0000${i.path}\u0000${i.message}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { kind: m?.[1], items: [], descriptions: [] }));
    g.items.push(i);
    if (m) g.descriptions.push(m[3]);
  }
  const lines = [...groups.values()].map((g) => {
    const i = g.items[0];
    const what = `${i.path ? `${i.path}: ` : ""}${i.message}`;
    if (g.items.length === 1 || !g.kind) return g.items.map((x) => `${x.resource}: ${what}`).join("\n  ");
    const where = compactDescriptions(g.descriptions);
    const shown = where.length > 3 ? `${where.slice(0, 2).join("; ")}; and ${where.length - 2} more` : where.join("; ");
    // A class named in the plural (SwitchPorts) keeps its name.
    const count = g.kind.endsWith("s") ? `${g.items.length} ${g.kind}` : plural(g.items.length, g.kind);
    return `${count} (${shown}): ${what}`;
  });
  return `invalid desired state (${plural(issues.length, "problem")}):\n  ${lines.join("\n  ")}`;
}

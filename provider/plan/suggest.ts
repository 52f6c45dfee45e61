/**
 * "did you mean …?" for an unknown field: the schema's own field names at that path, the closest
 * one by edit distance when it is close enough to be a typo ('voiceVlna' → 'voiceVlan').
 */
import { z } from "zod";

/** The field names a zod schema takes at `path` (objects inside optionals, arrays, defaults…). */
export function fieldsAt(schema: z.ZodType, path: PropertyKey[]): string[] {
  let s: any = schema;
  for (let i = 0; ; ) {
    const def = s?._zod?.def;
    if (!def) return [];
    if (["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"].includes(def.type)) s = def.innerType;
    else if (def.type === "pipe") s = def.in;
    else if (def.type === "array") {
      s = def.element;
      if (typeof path[i] === "number") i++;
    } else if (def.type === "object") {
      if (i === path.length) return Object.keys(def.shape);
      s = def.shape[String(path[i++])];
    } else return [];
  }
}

/** Edits (insert, delete, replace, or swap two neighbours: 'Vlna' for 'Vlan') from a to b. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known field an unknown one is most likely a typo of, if any. */
export function closest(unknown: string, known: string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = k.toLowerCase() === unknown.toLowerCase() ? 0.5 : distance(unknown, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(1, Math.floor(unknown.length / 3)) ? best.name : undefined;
}

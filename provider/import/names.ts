/**
 * Names in a generated program: TypeScript identifiers for the constants (networks, devices) and
 * kebab-case Pulumi resource names, both unique and both derived only from their inputs, so the
 * same organization always gives the same program.
 */

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with yield let static " +
    "implements interface package private protected public await arguments eval undefined NaN Infinity " +
    // names the program itself uses
    "meraki pulumi port require module exports"
  ).split(" "),
);

/** Words of a display name: "Switch A (2nd floor)" → ["Switch", "A", "2nd", "floor"]. */
function words(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
}

/** "Switch A" → "switchA"; "" → fallback. Not yet unique. */
export function camel(text: string, fallback: string): string {
  const w = words(text);
  if (!w.length) return fallback;
  const id = w.map((x, i) => (i === 0 ? x.charAt(0).toLowerCase() + x.slice(1) : x.charAt(0).toUpperCase() + x.slice(1))).join("");
  return /^[0-9]/.test(id) ? `${fallback}${id.charAt(0).toUpperCase()}${id.slice(1)}` : id;
}

/** "Switch A" → "switch-a"; "" → fallback. */
export function kebab(text: string, fallback: string): string {
  const w = words(text).map((x) => x.toLowerCase());
  return w.length ? w.join("-") : fallback;
}

/** Hands out names, each at most once: a taken name gets "2", "3"… (with a hyphen when kebab). */
export class NameSet {
  private readonly taken = new Set<string>();

  constructor(private readonly separator: "" | "-") {}

  /** Whether `name` is free (and not a reserved word). */
  free(name: string): boolean {
    return !this.taken.has(name) && !RESERVED.has(name);
  }

  take(base: string): string {
    let name = base;
    for (let n = 2; !this.free(name); n++) name = `${base}${this.separator}${n}`;
    this.taken.add(name);
    return name;
  }

  /** Takes every name in `names` at once, or none (false) when one is taken. */
  takeAll(names: string[]): boolean {
    if (!names.every((n) => this.free(n)) || new Set(names).size !== names.length) return false;
    for (const n of names) this.taken.add(n);
    return true;
  }
}

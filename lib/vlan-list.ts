/**
 * The `allowedVlans` syntax of switch trunk ports: "all", or a comma-separated list of VLAN ids
 * and ascending ranges ("1,3,5-10"). Shared by the emulator (validation) and the engine
 * (validation and normalisation for comparison).
 */

export const MIN_VLAN = 1;
export const MAX_VLAN = 4094;

export type VlanList = "all" | number[];

/**
 * Parses an allowedVlans string into "all" or a sorted, de-duplicated list of ids.
 * Returns an error message (without the field name) when the text is invalid.
 */
export function parseVlanList(text: string): { ok: true; value: VlanList } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === "all") return { ok: true, value: "all" };
  if (trimmed === "") return { ok: false, error: "must not be empty" };
  const ids = new Set<number>();
  for (const raw of trimmed.split(",")) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) return { ok: false, error: `has an invalid entry '${part}' (expected a VLAN id or a range such as 5-10)` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < MIN_VLAN || hi > MAX_VLAN || lo > MAX_VLAN) {
      return { ok: false, error: `has '${part}' outside ${MIN_VLAN}-${MAX_VLAN}` };
    }
    if (hi < lo) return { ok: false, error: `has a descending range '${part}'` };
    for (let v = lo; v <= hi; v++) ids.add(v);
  }
  return { ok: true, value: [...ids].sort((a, b) => a - b) };
}

/** Canonical text for a list: ascending ids with runs of 3+ collapsed ("1,3,5-10"); "all" unchanged. */
export function formatVlanList(list: VlanList): string {
  if (list === "all") return "all";
  const out: string[] = [];
  for (let i = 0; i < list.length; ) {
    let j = i;
    while (j + 1 < list.length && list[j + 1] === list[j] + 1) j++;
    if (j - i >= 2) out.push(`${list[i]}-${list[j]}`);
    else for (let k = i; k <= j; k++) out.push(String(list[k]));
    i = j + 1;
  }
  return out.join(",");
}

/** Canonical form of an allowedVlans string, or the input unchanged when it does not parse. */
export function canonicalVlanList(text: string): string {
  const parsed = parseVlanList(text);
  if (!parsed.ok) return text;
  // A list that covers every VLAN id means the same as "all".
  if (parsed.value !== "all" && parsed.value.length === MAX_VLAN - MIN_VLAN + 1) return "all";
  return formatVlanList(parsed.value);
}

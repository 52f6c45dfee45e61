/**
 * The `allowedVlans` syntax of switch trunk ports: "all", or a comma-separated list of VLAN ids
 * and ascending ranges ("1,3,5-10"). Shared by the emulator (validation) and the engine
 * (validation and normalisation for comparison). Lists are kept as merged ranges, never expanded,
 * so "1-4094" costs the same as "1".
 */

export const MIN_VLAN = 1;
export const MAX_VLAN = 4094;

/** Sorted, non-overlapping, non-adjacent inclusive ranges. */
export type VlanRanges = Array<[number, number]>;
export type VlanList = "all" | VlanRanges;

/** Parses an allowedVlans string; the error message has no field name. */
export function parseVlanList(text: string): { ok: true; value: VlanList } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === "all") return { ok: true, value: "all" };
  if (trimmed === "") return { ok: false, error: "must not be empty" };
  const ranges: VlanRanges = [];
  for (const raw of trimmed.split(",")) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) return { ok: false, error: `has an invalid entry '${part}' (expected a VLAN id or a range such as 5-10)` };
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (lo < MIN_VLAN || hi > MAX_VLAN || lo > MAX_VLAN) return { ok: false, error: `has '${part}' outside ${MIN_VLAN}-${MAX_VLAN}` };
    if (hi < lo) return { ok: false, error: `has a descending range '${part}'` };
    ranges.push([lo, hi]);
  }
  return { ok: true, value: merge(ranges) };
}

function merge(ranges: VlanRanges): VlanRanges {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: VlanRanges = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Canonical text: ascending, runs of 3+ as ranges ("1,3,5-10"), two adjacent ids listed ("5,6"). */
export function formatVlanList(list: VlanList): string {
  if (list === "all") return "all";
  return list.map(([lo, hi]) => (hi - lo >= 2 ? `${lo}-${hi}` : hi === lo ? String(lo) : `${lo},${hi}`)).join(",");
}

/** Canonical form of an allowedVlans string, or the input unchanged when it does not parse. */
export function canonicalVlanList(text: string): string {
  let canonical = CANONICAL.get(text);
  if (canonical === undefined) {
    canonical = canonicalOf(text);
    if (CANONICAL.size < 10_000) CANONICAL.set(text, canonical);
  }
  return canonical;
}

/** The few lists a network uses, each normalised once (a plan normalises every port it reads). */
const CANONICAL = new Map<string, string>();

function canonicalOf(text: string): string {
  const parsed = parseVlanList(text);
  if (!parsed.ok) return text;
  // A list that covers every VLAN id means the same as "all".
  const v = parsed.value;
  if (v !== "all" && v.length === 1 && v[0][0] === MIN_VLAN && v[0][1] === MAX_VLAN) return "all";
  return formatVlanList(v);
}

export function vlanListIncludes(list: VlanList, id: number): boolean {
  return list === "all" ? id >= MIN_VLAN && id <= MAX_VLAN : list.some(([lo, hi]) => id >= lo && id <= hi);
}

/** Every id of a list that is not "all" (for small lists such as port ranges). */
export function expandVlanRanges(ranges: VlanRanges): number[] {
  const out: number[] = [];
  for (const [lo, hi] of ranges) for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}

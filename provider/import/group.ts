/**
 * Switch ports as a person declares them: the ports of a switch with identical settings become
 * one group (one `switchPorts(…, "2-40", …)` call), with per-port names through a pattern when
 * every member's name is the same text around its own port id ("Desk 2" … "Desk 40"); the rest
 * stay single ports. Grouping is exact: a group's settings are every member's fields.
 */
import { formatVlanList, MAX_VLAN, MIN_VLAN, VlanRanges } from "../../lib/vlan-list";

type Fields = Record<string, unknown>;

export interface PortFields {
  portId: string;
  /** The port's fields to write (may include `name`). */
  fields: Fields;
}

/** A name built from the port id: `${prefix}${portId}${suffix}`. */
export interface NamePattern {
  prefix: string;
  suffix: string;
}

export type PortDeclaration =
  | { kind: "single"; portId: string; settings: Fields }
  | {
      kind: "group";
      /** Member port ids, in the switch's order. */
      ports: string[];
      /** What `switchPorts` takes: a range expression when every id is a plain number, else the list. */
      expression: string | string[];
      /** Shared settings (with `name` when it is the same for every member). */
      settings: Fields;
      /** Per-port names, when they follow a pattern. */
      pattern?: NamePattern;
    };

/** JSON with keys in a fixed order, so equal settings give equal keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Fields;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Every way `name` is `prefix + portId + suffix`, the id standing alone (not part of a longer number). */
export function namePatterns(name: string, portId: string): NamePattern[] {
  if (!/^\d+$/.test(portId)) return [];
  const out: NamePattern[] = [];
  for (let at = name.indexOf(portId); at >= 0; at = name.indexOf(portId, at + 1)) {
    const before = name.charAt(at - 1);
    const after = name.charAt(at + portId.length);
    if (/\d/.test(before) || /\d/.test(after)) continue;
    out.push({ prefix: name.slice(0, at), suffix: name.slice(at + portId.length) });
  }
  return out;
}

const isPlainNumber = (id: string) => /^[1-9]\d*$/.test(id) && Number(id) >= MIN_VLAN && Number(id) <= MAX_VLAN;

/** "2-40", "1,3,5-10" (the syntax sdk/ports.ts parses), or the ids themselves when one is not a plain number. */
export function portExpression(ids: string[]): string | string[] {
  if (!ids.every(isPlainNumber)) return [...ids];
  const numbers = [...new Set(ids.map(Number))].sort((a, b) => a - b);
  const ranges: VlanRanges = [];
  for (const n of numbers) {
    const last = ranges[ranges.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else ranges.push([n, n]);
  }
  return formatVlanList(ranges);
}

interface Candidate {
  key: string;
  constant: boolean;
  name?: string | null;
  pattern?: NamePattern;
}

function candidates(p: PortFields): Candidate[] {
  const name = (p.fields.name ?? null) as string | null;
  const out: Candidate[] = [{ key: `c${JSON.stringify(name)}`, constant: true, name }];
  if (typeof name === "string") for (const pattern of namePatterns(name, p.portId)) out.push({ key: `p${JSON.stringify([pattern.prefix, pattern.suffix])}`, constant: false, pattern });
  return out;
}

/**
 * Splits ports that share their other settings by name: repeatedly takes the naming (one constant
 * name, or one pattern) that covers the most ports still unplaced; a naming that covers a single
 * port leaves it a single port.
 */
function byName(ports: PortFields[], order: Map<string, number>): PortDeclaration[] {
  const options = new Map(ports.map((p) => [p.portId, candidates(p)]));
  const left = new Set(ports.map((p) => p.portId));
  const out: PortDeclaration[] = [];
  for (;;) {
    const cover = new Map<string, { c: Candidate; ports: string[] }>();
    for (const id of left) for (const c of options.get(id)!) {
      const entry = cover.get(c.key) ?? { c, ports: [] };
      entry.ports.push(id);
      cover.set(c.key, entry);
    }
    const best = [...cover.values()]
      .filter((e) => e.ports.length >= 2)
      .sort((a, b) => b.ports.length - a.ports.length || Number(b.c.constant) - Number(a.c.constant) || order.get(a.ports[0])! - order.get(b.ports[0])! || (a.c.key < b.c.key ? -1 : 1))[0];
    if (!best) break;
    const members = best.ports.sort((a, b) => order.get(a)! - order.get(b)!);
    for (const id of members) left.delete(id);
    const { name: _name, ...rest } = ports.find((p) => p.portId === members[0])!.fields;
    const settings: Fields = best.c.constant && best.c.name !== null ? { name: best.c.name, ...rest } : rest;
    out.push({ kind: "group", ports: members, expression: portExpression(members), settings, ...(best.c.pattern ? { pattern: best.c.pattern } : {}) });
  }
  for (const p of ports) if (left.has(p.portId)) out.push({ kind: "single", portId: p.portId, settings: p.fields });
  return out;
}

/** The declarations for one switch's ports (ports with nothing to write are not passed in), in port order. */
export function groupPorts(ports: PortFields[]): PortDeclaration[] {
  const order = new Map(ports.map((p, i) => [p.portId, i]));
  const buckets = new Map<string, PortFields[]>();
  for (const p of ports) {
    const { name: _name, ...rest } = p.fields;
    const key = canonical(rest);
    buckets.set(key, [...(buckets.get(key) ?? []), p]);
  }
  const first = (d: PortDeclaration) => order.get(d.kind === "single" ? d.portId : d.ports[0])!;
  return [...buckets.values()].flatMap((b) => byName(b, order)).sort((a, b) => first(a) - first(b));
}

/** The name a member of a group gets. */
export function memberName(d: Extract<PortDeclaration, { kind: "group" }>, portId: string): string | null | undefined {
  if (d.pattern) return `${d.pattern.prefix}${portId}${d.pattern.suffix}`;
  return d.settings.name as string | null | undefined;
}

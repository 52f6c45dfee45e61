/**
 * The grouped view of a plan, as data: organization → network → device, and on a device the
 * ports that get the same field changes as one entry with a port range. Text, Markdown and JSON
 * render it; `expandGroups` turns it back into the per-resource changes, exactly.
 *
 * A string value that holds the port's own number ("Desk A7" on port 7) is compared as a
 * template ("Desk A{port}"), so ports named after themselves still share a line.
 */
import { Change, FieldChange, Plan } from "../../provider";
import { naturalCompare, naturalComparator } from "../../provider/plan/order";
import { ShownChange, compressIds, kindLabel, phaseOf, removes } from "./shared";

export const PORT = "{port}";

export interface FieldLine {
  path: string;
  old: unknown;
  new: unknown;
  /** `old` is a template: "{port}" stands for each port's id. */
  oldPerPort?: true;
  /** `new` is a template: "{port}" stands for each port's id. */
  newPerPort?: true;
}

export interface Entry {
  op: Change["op"];
  kind: string;
  /** The SDK class: "Vlan", "SwitchPort"… (the kind itself when unknown). */
  label: string;
  /** What it is, under its network or device: "VLAN 10", "tags", "port 1", "ports 2-40". */
  subject: string;
  /** The changes' keys and resource names, in port order for port entries. */
  keys: string[];
  names: string[];
  /** Port entries: the port ids, in order. */
  ports?: string[];
  fields: FieldLine[];
  /** An object that goes away: its managed fields as they are now. */
  removed?: Record<string, unknown> | null;
  notes?: string[];
}

export interface DeviceGroup {
  serial: string;
  entries: Entry[];
}

export interface NetworkGroup {
  /** null: changes not tied to a network the plan knows. */
  networkId: string | null;
  /** The network's own objects (VLANs, settings). */
  entries: Entry[];
  devices: DeviceGroup[];
}

export interface GroupedPlan {
  organizationId: string;
  /** Resources that change, and resources left as they are (not listed). */
  changed: number;
  unchanged: number;
  networks: NetworkGroup[];
}

/** The per-resource change an entry stands for (what a plan's `changes[]` holds, display aside). */
export interface ExpandedChange {
  key: string;
  name: string;
  kind: string;
  op: Change["op"];
  fields: FieldChange[];
  notes?: string[];
}

/** "… on|of|in <what> <id>" at the end of a description, per id (a plan names each device thousands of times). */
const SUFFIXES = new Map<string, RegExp>();
function suffixOf(id: string): RegExp {
  let re = SUFFIXES.get(id);
  if (!re) {
    re = new RegExp(`^(.*\\S)\\s+(?:on|of|in)\\s+\\S+\\s+${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
    if (SUFFIXES.size < 10_000) SUFFIXES.set(id, re);
  }
  return re;
}

/** "VLAN 99 on network N" under network N reads "VLAN 99". */
function subjectOf(c: Change): string {
  const at = [c.scope?.serial, c.scope?.networkId].filter((x): x is string => !!x);
  for (const id of at) {
    const m = suffixOf(id).exec(c.description);
    if (m) return m[1];
  }
  return c.description;
}

/** The value with the port's id as "{port}", when it holds the id as a whole number (the last one). */
export function portTemplate(value: unknown, portId: string): string | undefined {
  if (typeof value !== "string" || !value.includes(portId) || !/^\d+$/.test(portId) || value.includes(PORT)) return undefined;
  const runs = [...value.matchAll(/\d+/g)].filter((m) => m[0] === portId);
  const last = runs[runs.length - 1];
  return last ? value.slice(0, last.index) + PORT + value.slice(last.index! + portId.length) : undefined;
}

function templated(c: ShownChange): FieldLine[] {
  const port = c.scope!.portId!;
  return c.fields.map((f) => {
    const line: FieldLine = { path: f.path, old: f.old, new: f.new };
    const o = portTemplate(f.old, port);
    const n = portTemplate(f.new, port);
    if (o !== undefined) Object.assign(line, { old: o, oldPerPort: true });
    if (n !== undefined) Object.assign(line, { new: n, newPerPort: true });
    return line;
  });
}

function single(c: ShownChange): Entry {
  const e: Entry = { op: c.op, kind: c.kind, label: kindLabel(c.kind), subject: subjectOf(c), keys: [c.key], names: [c.name], fields: c.fields.map((f) => ({ path: f.path, old: f.old, new: f.new })) };
  if (c.scope?.portId !== undefined) e.ports = [c.scope.portId];
  if (removes(c)) e.removed = c.live;
  if (c.notes?.length) e.notes = [...c.notes];
  return e;
}

/**
 * One device's port changes: those with equal changes share an entry. Values are compared as
 * templates first; a port left alone by that (a "1-1000" on port 1 is no template) is compared
 * literally, with the others left alone and with the groups that hold no template.
 */
function portEntries(changes: ShownChange[]): Entry[] {
  const byNatural = naturalComparator();
  const sorted = [...changes].sort((a, b) => byNatural(a.scope!.portId!, b.scope!.portId!) || byNatural(a.key, b.key));
  const signature = (c: ShownChange, fields: FieldLine[]) => JSON.stringify([c.kind, c.op, removes(c), c.notes ?? [], fields]);
  const literal = (c: ShownChange): FieldLine[] => c.fields.map((f) => ({ path: f.path, old: f.old, new: f.new }));
  const groups = new Map<string, { changes: ShownChange[]; fields: FieldLine[] }>();
  for (const c of sorted) {
    const fields = templated(c);
    const key = signature(c, fields);
    const group = groups.get(key);
    if (group) group.changes.push(c);
    else groups.set(key, { changes: [c], fields });
  }
  const regrouped = new Map<string, { changes: ShownChange[]; fields: FieldLine[] }>();
  for (const [key, group] of groups) {
    if (group.changes.length > 1) regrouped.set(key, group);
  }
  for (const group of groups.values()) {
    if (group.changes.length > 1) continue;
    const c = group.changes[0];
    const fields = literal(c);
    const key = signature(c, fields);
    const into = regrouped.get(key);
    if (into) into.changes.push(c);
    else regrouped.set(key, { changes: [c], fields });
  }
  return [...regrouped.values()]
    .map(({ changes: members, fields }) => {
      if (members.length === 1) return single(members[0]);
      members.sort((a, b) => byNatural(a.scope!.portId!, b.scope!.portId!) || byNatural(a.key, b.key));
      const first = members[0];
      const ports = members.map((c) => c.scope!.portId!);
      const e: Entry = { op: first.op, kind: first.kind, label: kindLabel(first.kind), subject: `ports ${compressIds(ports)}`, keys: members.map((c) => c.key), names: members.map((c) => c.name), ports, fields };
      if (removes(first)) e.removed = first.live;
      if (first.notes?.length) e.notes = [...first.notes];
      return e;
    })
    .sort((a, b) => byNatural(a.ports![0], b.ports![0]));
}

const byPhaseThenKey = (a: ShownChange, b: ShownChange) => phaseOf(a) - phaseOf(b) || naturalCompare(a.key, b.key);

export function groupPlan(plan: Pick<Plan, "organizationId" | "changes">): GroupedPlan {
  const changed = (plan.changes as ShownChange[]).filter((c) => c.op !== "noop");
  const networks = new Map<string | null, { own: ShownChange[]; devices: Map<string, ShownChange[]> }>();
  for (const c of changed) {
    const id = c.scope?.networkId ?? null;
    let n = networks.get(id);
    if (!n) networks.set(id, (n = { own: [], devices: new Map() }));
    const serial = c.scope?.serial;
    if (serial === undefined) n.own.push(c);
    else {
      const list = n.devices.get(serial);
      if (list) list.push(c);
      else n.devices.set(serial, [c]);
    }
  }
  const ids = [...networks.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : naturalCompare(a, b)));
  return {
    organizationId: plan.organizationId,
    changed: changed.length,
    unchanged: plan.changes.length - changed.length,
    networks: ids.map((networkId) => {
      const n = networks.get(networkId)!;
      const serials = [...n.devices.keys()].sort(naturalCompare);
      return {
        networkId,
        entries: [...n.own].sort(byPhaseThenKey).map(single),
        devices: serials.map((serial) => {
          const all = n.devices.get(serial)!;
          const own = all.filter((c) => c.scope?.portId === undefined).sort(byPhaseThenKey).map(single);
          return { serial, entries: [...own, ...portEntries(all.filter((c) => c.scope?.portId !== undefined))] };
        }),
      };
    }),
  };
}

/** Every entry of the grouped plan, in display order. */
export function entriesOf(g: GroupedPlan): Entry[] {
  return g.networks.flatMap((n) => [...n.entries, ...n.devices.flatMap((d) => d.entries)]);
}

/** The field changes of one member of an entry (its i-th port). */
export function memberFields(e: Entry, i: number): FieldChange[] {
  const port = e.ports?.[i] ?? "";
  const fill = (v: unknown, perPort?: true) => (perPort ? (v as string).replace(PORT, port) : v);
  return e.fields.map((f) => ({ path: f.path, old: fill(f.old, f.oldPerPort), new: fill(f.new, f.newPerPort) }));
}

/** The per-resource changes the grouped plan stands for. */
export function expandGroups(g: GroupedPlan): ExpandedChange[] {
  return entriesOf(g).flatMap((e) =>
    e.keys.map((key, i) => ({ key, name: e.names[i], kind: e.kind, op: e.op, fields: memberFields(e, i), ...(e.notes ? { notes: e.notes } : {}) })),
  );
}

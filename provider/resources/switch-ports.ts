/**
 * SwitchPorts: a set of ports of one switch declared as one resource (one Pulumi resource, one
 * engine step), with shared fields and per-port overrides. The engine plans, validates, applies and
 * reports per port: a bulk declaration is expanded into one SwitchPort spec per port, named
 * `NAME[PORT]`, before anything else sees it. Pure.
 *
 * Props (what a Pulumi program's inputs and the CLI's resources carry):
 *   serial     the switch
 *   ports      "1-24,48" (ids and ascending ranges) or a list of port ids ("1_MA-MOD-4X10G_1")
 *   overrides  { "5": { name: "Printer" } }: fields of single ports, over the shared ones
 *   onDelete   as SwitchPort, for every port
 *   …          every other field is shared by all the ports (a SwitchPort field)
 */
import { expandVlanRanges, parseVlanList } from "../../lib/vlan-list";
import { ValidationIssue } from "../errors";
import { closest } from "../plan/suggest";
import { DeleteSpec, ResourceSpec } from "./common";
import { switchPortSchema } from "./switch-port";

export const SWITCH_PORTS_LABEL = "SwitchPorts";

/** The port fields a bulk declaration may share or override: a SwitchPort's, less its identity. */
const PORT_FIELDS = new Set(Object.keys(switchPortSchema.shape).filter((k) => !["serial", "portId", "onDelete"].includes(k)));
const OWN_FIELDS = new Set(["serial", "ports", "overrides", "onDelete"]);

type Props = Record<string, unknown>;

/** `NAME[PORT]`: the per-port name the plan and the results use. */
export const portName = (name: string, portId: string) => `${name}[${portId}]`;

/** The bulk name and port of a per-port name, if it is one. */
export function bulkOf(name: string): { name: string; portId: string } | undefined {
  const m = /^(.*)\[([^\]]+)\]$/.exec(name);
  return m ? { name: m[1], portId: m[2] } : undefined;
}

/** Port ids from `ports`: a range expression or a list. */
export function portIdsOf(ports: unknown): { ids?: string[]; error?: string } {
  if (Array.isArray(ports)) {
    if (!ports.length) return { error: "must list at least one port" };
    const ids = ports.map((p) => (typeof p === "number" ? String(p) : p));
    const bad = ids.find((p) => typeof p !== "string" || !/^[0-9A-Za-z_/-]+$/.test(p));
    if (bad !== undefined) return { error: `has an invalid port id ${JSON.stringify(bad)} (expected ids such as "1" or "1_MA-MOD-4X10G_1")` };
    const dup = ids.find((p, i) => ids.indexOf(p) !== i);
    if (dup !== undefined) return { error: `lists port ${dup} twice` };
    return { ids: ids as string[] };
  }
  if (typeof ports !== "string") return { error: 'must be a port range such as "1-24,48" or a list of port ids' };
  const parsed = parseVlanList(ports);
  if (!parsed.ok || parsed.value === "all") return { error: `${parsed.ok ? "cannot be 'all'" : parsed.error.replace("VLAN id", "port id")} (expected port ids and ranges such as "1-24,48")` };
  return { ids: expandVlanRanges(parsed.value).map(String) };
}

/** The shared fields of a bulk declaration. */
export function sharedFields(props: Props): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) if (!OWN_FIELDS.has(k) && v !== undefined) out[k] = v;
  return out;
}

export interface Expanded {
  /** One SwitchPort spec per port, in the order of `ports`. */
  specs: ResourceSpec[];
  /** Problems of the bulk declaration itself (each once, not once per port). */
  issues: ValidationIssue[];
  ids: string[];
}

/**
 * One SwitchPort spec per port: serial, portId, the shared fields, the port's overrides, onDelete.
 * Problems of the declaration itself (ports, overrides, unknown fields) are reported here, once;
 * a field's own rules are checked per port by the SwitchPort schema, and grouped back by
 * groupIssues.
 */
export function expandSwitchPorts(name: string, raw: unknown, intent?: ResourceSpec["intent"]): Expanded {
  const props = (raw && typeof raw === "object" ? raw : {}) as Props;
  const where = `${SWITCH_PORTS_LABEL} '${name}'${typeof props.serial === "string" ? ` (switch ${props.serial})` : ""}`;
  const issues: ValidationIssue[] = [];
  const issue = (path: string, message: string) => issues.push({ resource: where, name, path, message });
  if (typeof props.serial !== "string" || !props.serial) issue("serial", "is required");
  const { ids = [], error } = portIdsOf(props.ports);
  if (error) issue("ports", error);
  // One issue per unknown field, with the field it is likely a typo of (as for every kind: plan.ts zodIssues).
  const unknownField = (path: string, k: string) => {
    const near = closest(k, [...PORT_FIELDS]);
    issue(path, `unknown field '${k}'${near ? ` — did you mean '${near}'?` : ""}`);
  };
  for (const k of Object.keys(sharedFields(props)).filter((f) => !PORT_FIELDS.has(f))) unknownField("", k);
  const overrides = props.overrides === undefined ? {} : props.overrides;
  if (!overrides || typeof overrides !== "object" || Array.isArray(overrides)) issue("overrides", 'must map port ids to fields, such as { "5": { name: "Printer" } }');
  const byPort = (overrides && typeof overrides === "object" ? overrides : {}) as Record<string, unknown>;
  for (const [portId, fields] of Object.entries(byPort)) {
    if (!ids.includes(portId)) issue(`overrides.${portId}`, `port ${portId} is not in ports ${JSON.stringify(props.ports)}`);
    else if (!fields || typeof fields !== "object" || Array.isArray(fields)) issue(`overrides.${portId}`, "must be an object of port fields");
    else {
      for (const k of Object.keys(fields).filter((f) => !PORT_FIELDS.has(f))) unknownField(`overrides.${portId}`, k);
    }
  }
  if (issues.length) return { specs: [], issues, ids };
  const shared = sharedFields(props);
  const specs = ids.map((portId) => ({
    kind: "switchPort" as const,
    name: portName(name, portId),
    props: { serial: props.serial, portId, ...shared, ...((byPort[portId] as Props) ?? {}), ...(props.onDelete !== undefined ? { onDelete: props.onDelete } : {}) },
    ...(intent ? { intent } : {}),
  }));
  return { specs, issues, ids };
}

/** The per-port delete specs of a bulk resource going away (or of ports leaving it). */
export function expandDeletes(name: string, raw: unknown, original: Record<string, Props | null> | null | undefined, only?: string[]): DeleteSpec[] {
  const { specs } = expandSwitchPorts(name, raw);
  return specs
    .filter((s) => !only || only.includes((s.props as Props).portId as string))
    .map((s) => {
      const p = s.props as Props;
      return { kind: "switchPort" as const, name: s.name, props: p, onDelete: p.onDelete as DeleteSpec["onDelete"], original: original?.[p.portId as string] ?? null };
    });
}

/**
 * Per-port issues grouped back onto the bulk resource: the same problem on several ports of one
 * bulk resource becomes one issue naming the ports ("ports 2-40: vlan: must be …").
 */
export function groupIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const groups = new Map<string, { first: ValidationIssue; bulk: string; ports: string[] }>();
  for (const i of issues) {
    const b = i.name ? bulkOf(i.name) : undefined;
    if (!b) {
      out.push(i);
      continue;
    }
    const k = JSON.stringify([b.name, i.path, i.message]);
    const g = groups.get(k);
    if (g) g.ports.push(b.portId);
    else {
      const entry = { first: i, bulk: b.name, ports: [b.portId] };
      groups.set(k, entry);
      out.push(i); // placeholder, replaced below to keep the order of first appearance
    }
  }
  return out.map((i) => {
    const b = i.name ? bulkOf(i.name) : undefined;
    if (!b) return i;
    const g = groups.get(JSON.stringify([b.name, i.path, i.message]))!;
    const serial = /switch ([^\s)]+)/.exec(i.resource)?.[1];
    return { ...i, name: g.bulk, resource: `${SWITCH_PORTS_LABEL} '${g.bulk}' (${portsText(g.ports)}${serial ? ` of switch ${serial}` : ""})` };
  });
}

/** "port 5", "ports 2-40", "ports 1, 3, 7-9" */
export function portsText(ids: string[]): string {
  if (ids.length === 1) return `port ${ids[0]}`;
  const nums = ids.every((p) => /^\d+$/.test(p)) ? ids.map(Number).sort((a, b) => a - b) : undefined;
  if (!nums) return `ports ${ids.join(", ")}`;
  const parts: string[] = [];
  for (let i = 0; i < nums.length; ) {
    let j = i;
    while (j + 1 < nums.length && nums[j + 1] === nums[j] + 1) j++;
    parts.push(j - i >= 2 ? `${nums[i]}-${nums[j]}` : nums.slice(i, j + 1).join(", "));
    i = j + 1;
  }
  return `ports ${parts.join(", ")}`;
}

/**
 * What the dynamic provider does with one Pulumi resource's properties, pure: its id, the
 * per-object operations it stands for (one for most kinds, one per port for SwitchPorts), its
 * Check failures, its outputs, and what a refresh writes back. No I/O.
 */
import { issueMessage } from "../plan/plan";
import { DeleteSpec, Kind, ResourceSpec } from "../resources/common";
import { KINDS } from "../resources";
import { bulkOf, expandDeletes, expandSwitchPorts, portIdsOf, portsText, sharedFields } from "../resources/switch-ports";

export type Props = Record<string, unknown>;

/** A dynamic resource's type: an engine kind, or SwitchPorts (expanded into ports). */
export type DynamicKind = Kind | "switchPorts";

/** One object's operation, as the engine plans it. */
export type Op = { kind: "apply"; spec: ResourceSpec & { kind: Kind } } | { kind: "delete"; spec: DeleteSpec & { kind: Kind } };

/** The sentinels the engine sends for values unknown during preview (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN_VALUES = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** Inputs and outputs that belong to the provider, not to the Meraki resource. */
const PROVIDER_FIELDS = ["__provider", "original"];

/** Kinds whose objects always exist: a "create" takes the object over and records its original (onDelete: "restore"). */
export const SINGLETON: Record<DynamicKind, boolean> = {
  vlan: false,
  switchPort: true,
  switchPorts: true,
  deviceTags: true,
  vlansSettings: true,
  device: true,
  switchAccessPolicy: false,
  linkAggregation: false,
  switchRoutingInterface: false,
  switchStaticRoute: false,
};

/** Fields whose change means other Meraki objects: replace rather than update. */
export const IDENTITY: Record<DynamicKind, string[]> = {
  vlan: ["networkId", "vlanId"],
  switchPort: ["serial", "portId"],
  switchPorts: ["serial"],
  deviceTags: ["serial"],
  vlansSettings: ["networkId"],
  device: ["serial"],
  switchAccessPolicy: ["networkId", "name"],
  linkAggregation: ["networkId"],
  switchRoutingInterface: ["serial", "vlanId"],
  switchStaticRoute: ["serial", "subnet"],
};

export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_VALUES.has(v);
}

export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

/** The Meraki resource's properties from a resource's inputs or outputs (of a `kind`: without the ids the API assigned). */
export function resourceProps(raw: Props, kind?: DynamicKind): Props {
  const out: Props = {};
  const ids = kind && kind !== "switchPorts" ? Object.keys(KINDS[kind].outputs ?? {}) : [];
  for (const [k, v] of Object.entries(raw ?? {})) if (!PROVIDER_FIELDS.includes(k) && !ids.includes(k) && v !== undefined && v !== null) out[k] = v;
  // null is meaningful for a few port fields (vlan: null clears a trunk's native VLAN), and a device's address and notes
  for (const k of ["vlan", "voiceVlan", "name", "portScheduleId", "groupPolicyId", "adaptivePolicyGroupId", "dhcpBootNextServer", "dhcpBootFilename", "address", "notes"]) {
    if (raw && raw[k] === null) out[k] = null;
  }
  return out;
}

/** The resource's id: what identifies its object(s) in the Dashboard. */
export function resourceId(kind: DynamicKind, props: Props): string {
  switch (kind) {
    case "vlan":
      return `${String(props.networkId)}/${String(props.vlanId)}`;
    case "switchPort":
      return `${String(props.serial)}/${String(props.portId)}`;
    case "switchPorts":
      return `${String(props.serial)}/${Array.isArray(props.ports) ? props.ports.join(",") : String(props.ports)}`;
    case "deviceTags":
      return String(props.serial);
    case "vlansSettings":
      return String(props.networkId);
    case "device":
      return String(props.serial);
    case "switchStaticRoute":
      return `${String(props.serial)}/${String(props.subnet)}`;
    case "switchAccessPolicy":
      return `${String(props.networkId)}/${String(props.name)}`;
    case "linkAggregation": {
      const parsed = KINDS.linkAggregation.schema.safeParse(props);
      return parsed.success ? KINDS.linkAggregation.key(parsed.data).replace(/^linkAggregation\//, "") : String(props.networkId);
    }
    case "switchRoutingInterface":
      return `${String(props.serial)}/${String(props.vlanId)}`;
  }
}

/** The outputs with the id the API gave the object (accessPolicyNumber, interfaceId…), for kinds that have one. */
export function withId(kind: DynamicKind, outs: Props, id: string | undefined): Props {
  if (kind === "switchPorts" || id === undefined) return outs;
  for (const [field, as] of Object.entries(KINDS[kind].outputs ?? {})) outs[field] = as === "number" ? Number(id) : id;
  return outs;
}

/** The operations one resource stands for (validation problems of a SwitchPorts declaration itself throw). */
export function applyOps(kind: DynamicKind, props: Props, intent: "create" | "ensure"): { ops: Op[]; issues: ReturnType<typeof expandSwitchPorts>["issues"] } {
  const name = resourceId(kind, props);
  if (kind !== "switchPorts") return { ops: [{ kind: "apply", spec: { kind, name, props, intent } }], issues: [] };
  const e = expandSwitchPorts(name, props, intent);
  return { ops: e.specs.map((spec) => ({ kind: "apply" as const, spec: spec as ResourceSpec & { kind: Kind } })), issues: e.issues };
}

/** The operations of a resource going away (or, for SwitchPorts, of `only` these ports leaving it). */
export function deleteOps(kind: DynamicKind, props: Props, original: unknown, only?: string[]): Op[] {
  const name = resourceId(kind, props);
  if (kind === "switchPorts") {
    const originals = original && typeof original === "object" ? (original as Record<string, Props | null>) : null;
    return expandDeletes(name, props, originals, only).map((spec) => ({ kind: "delete" as const, spec: spec as DeleteSpec & { kind: Kind } }));
  }
  const orig = original && typeof original === "object" ? (original as Props) : null;
  return [{ kind: "delete", spec: { kind, name, props, onDelete: props.onDelete as DeleteSpec["onDelete"], original: orig } }];
}

/** The port ids of a SwitchPorts resource's props (empty when they do not parse). */
export function portIds(props: Props): string[] {
  return portIdsOf(props.ports).ids ?? [];
}

/** Outputs: the inputs plus what the provider remembers; never undefined (the plugin cannot marshal it). */
export function outputs(props: Props, original: unknown): Props {
  const out: Props = JSON.parse(JSON.stringify(props));
  if (original !== undefined) out.original = original === null ? null : JSON.parse(JSON.stringify(original));
  return out;
}

/**
 * The original keeps what was captured when each field was first taken over: a field the
 * resource starts managing in an update is captured as it was just before that update.
 */
export function extendOriginal(original: unknown, before: Props | null): Props | null {
  const old = original && typeof original === "object" ? (original as Props) : null;
  if (!before) return old;
  return { ...before, ...(old ?? {}) };
}

/** A SwitchPorts original: per port, extended by the ports' befores; ports no longer in the set are dropped. */
export function extendBulkOriginal(original: unknown, befores: Map<string, Props | null>, ids: string[]): Record<string, Props | null> {
  const old = original && typeof original === "object" ? (original as Record<string, unknown>) : {};
  const out: Record<string, Props | null> = {};
  for (const id of ids) {
    // A port not taken over yet (its batch failed) has no entry: the update that applies it captures it.
    if (!befores.has(id) && !(id in old)) continue;
    out[id] = extendOriginal(old[id], befores.get(id) ?? null);
  }
  return out;
}

/** Check failures, as the engine shows them per property. Values unknown during preview are not judged. */
export function checkFailures(kind: DynamicKind, props: Props): Array<{ property: string; reason: string }> {
  if (kind === "switchPorts") return bulkCheckFailures(props);
  const parsed = KINDS[kind].schema.safeParse(props);
  if (parsed.success) return [];
  const failures: Array<{ property: string; reason: string }> = [];
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") failures.push({ property: "", reason: issueMessage(issue) });
    else if (!pathTouchesUnknown(props, path)) failures.push({ property: path.join("."), reason: issueMessage(issue) });
  }
  return failures;
}

/**
 * A SwitchPorts resource's problems: those of the declaration (ports, overrides, unknown fields),
 * then each port's, once per property: a shared field's problem names the ports it applies to when
 * it is not all of them; an override's is reported at `overrides.PORT.FIELD`.
 */
function bulkCheckFailures(props: Props): Array<{ property: string; reason: string }> {
  const e = expandSwitchPorts("", props);
  if (e.issues.length) return e.issues.filter((i) => !pathTouchesUnknown(props, i.path.split("."))).map((i) => ({ property: i.path, reason: i.message }));
  const overrides = (props.overrides ?? {}) as Record<string, Props>;
  const grouped = new Map<string, { property: string; reason: string; ports: string[] }>();
  for (const spec of e.specs) {
    const p = spec.props as Props;
    const portId = String(p.portId);
    const parsed = KINDS.switchPort.schema.safeParse(p);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (pathTouchesUnknown(p, path)) continue;
      const overridden = path.length > 0 && overrides[portId] && path[0] in overrides[portId];
      const property = overridden ? ["overrides", portId, ...path].join(".") : path.join(".");
      const reason = issueMessage(issue);
      const k = JSON.stringify([property, reason]);
      const g = grouped.get(k);
      if (g) g.ports.push(portId);
      else grouped.set(k, { property, reason, ports: [portId] });
    }
  }
  const all = e.ids.length;
  return [...grouped.values()].map((g) => ({ property: g.property, reason: g.property.startsWith("overrides.") || g.ports.length === all ? g.reason : `${portsText(g.ports)}: ${g.reason}` }));
}

function pathTouchesUnknown(props: Props, path: string[]): boolean {
  let cur: unknown = props;
  for (const p of path) {
    if (isUnknown(cur)) return true;
    if (cur === null || typeof cur !== "object") return false;
    cur = (cur as Props)[p];
  }
  return containsUnknown(cur);
}

/**
 * A refresh of a SwitchPorts resource: the live value of every managed field that differs from
 * the declaration goes into that port's overrides, so the stored inputs are the live network.
 */
export function refreshedBulk(props: Props, liveByPort: Map<string, Props>): Props {
  const shared = sharedFields(props);
  const overrides: Record<string, Props> = JSON.parse(JSON.stringify(props.overrides ?? {}));
  for (const [portId, live] of liveByPort) {
    const desired = { ...shared, ...(overrides[portId] ?? {}) };
    for (const [field, value] of Object.entries(live)) {
      if (JSON.stringify(desired[field]) === JSON.stringify(value)) continue;
      overrides[portId] = { ...(overrides[portId] ?? {}), [field]: value };
    }
  }
  const out: Props = { ...props };
  if (Object.keys(overrides).length) out.overrides = overrides;
  return out;
}

/** The port of a per-port name made by a SwitchPorts expansion ("AAAA-BBBB-CCCC/2-40[5]" → "5"). */
export function portOfName(name: string): string | undefined {
  return bulkOf(name)?.portId;
}

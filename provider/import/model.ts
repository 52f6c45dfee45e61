/**
 * Import, pure: a live snapshot becomes the program a person would write for it (networks and
 * devices as constants, adopted VLANs, device tags, switch ports in groups), and everything left
 * out is named with its reason. Each resource is planned against the same snapshot before it is
 * kept, so the program's first plan is empty by construction; what would not be is reported.
 */
import { ValidationError } from "../errors";
import { LiveDevice, LiveRecord, LiveSnapshot } from "../live/snapshot";
import { issueMessage, makePlan, validateAll } from "../plan/plan";
import { naturalCompare } from "../plan/order";
import { Kind, ResourceSpec, sortedUnique } from "../resources/common";
import { portRuleIssues } from "../resources/switch-port";
import { ImportableKind, KindFields, IMPORT_KINDS, deriveFields, isRequired } from "./fields";
import { PortDeclaration, groupPorts, memberName, portExpression } from "./group";
import { NameSet, camel, kebab } from "./names";
import { ImportKind, Scope } from "./scope";

type Fields = Record<string, unknown>;

export interface ImportedVlan {
  resourceName: string;
  /** Vlan props as written: networkId, vlanId, fields, adopt. */
  props: Fields;
  /** VLAN 1 stays when the resource is destroyed (the network's default VLAN). */
  retainOnDelete: boolean;
}

export interface ImportedVlansSettings {
  resourceName: string;
  /** VlansSettings props as written: networkId, vlansEnabled. */
  props: Fields;
  /** The constant holding the resource, when VLANs of the network take their networkId from it (so Pulumi orders them after it). */
  variable?: string;
}

/** A resource as the program declares it: its name and props (API names). */
export interface ImportedResource {
  resourceName: string;
  props: Fields;
  /** The constant holding it, when other resources use its outputs (an access policy's number). */
  variable?: string;
}

export interface ImportedNetwork {
  id: string;
  name: string;
  /** The constant holding the id in the program. */
  constant: string;
  /** Whether the network's VLANs are on: every selected network with an appliance has one. */
  vlansSettings?: ImportedVlansSettings;
  vlans: ImportedVlan[];
  policies: ImportedResource[];
  aggregations: ImportedResource[];
}

export type NamedPortDeclaration = PortDeclaration & {
  /** A single port's resource name, or a group's name (its members are `${name}-${portId}`). */
  resourceName: string;
};

export interface ImportedDevice {
  serial: string;
  name: string | null;
  model: string;
  productType: string | null;
  networkId: string | null;
  networkName: string | null;
  constant: string;
  tags?: { resourceName: string; props: Fields };
  /** Its name, address, notes and location (Device). */
  attributes?: ImportedResource;
  ports: NamedPortDeclaration[];
  interfaces: ImportedResource[];
  routes: ImportedResource[];
}

/** A field of a resource (null: the whole resource) that the program does not declare. */
export interface Dropped {
  /** The resource's key, e.g. "switchPort/AAAA-BBBB-CCCC/7". */
  key: string;
  field: string | null;
  reason: string;
}

/** Something left out, where, and why. */
export interface Skipped {
  what: string;
  why: string;
  /** Where, compressed ("AAAA-BBBB-CCCC ports 1-3,7"); empty when it applies throughout. */
  where: string[];
}

export interface ImportModel {
  organizationId: string;
  kinds: ImportKind[];
  /** Networks whose VLAN settings or VLANs are declared. */
  networks: ImportedNetwork[];
  /** Devices with declared tags or ports. */
  devices: ImportedDevice[];
  skipped: Skipped[];
  /** The same, per resource and field. */
  dropped: Dropped[];
  /** Values written that the API does not return, so the import could not read them: the reader should check them. */
  assumed: Skipped[];
  /** Counts of what is declared and of what needs no declaration. */
  counts: {
    /** VlansSettings declared, and how many of them say VLANs are off. */
    vlansSettings: number;
    vlansDisabled: number;
    vlans: number;
    /** Networks with VLANs declared. */
    vlanNetworks: number;
    tagSets: number;
    ports: number;
    switches: number;
    declarations: number;
    defaultPorts: number;
    untaggedDevices: number;
    devices: number;
    policies: number;
    aggregations: number;
    interfaces: number;
    routes: number;
  };
}

// ---- what was left out ------------------------------------------------------------------------

type Subject = { serial: string; portId: string } | { text: string };

class SkipLog {
  private readonly entries = new Map<string, { what: string; why: string; subjects: Subject[] }>();
  readonly dropped: Dropped[] = [];

  /** A field (or, with field null, a whole resource) left out of the program. */
  drop(key: string, field: string | null, what: string, why: string, subject: Subject): void {
    this.dropped.push({ key, field, reason: why });
    this.add(what, why, subject);
  }

  add(what: string, why: string, subject?: Subject): void {
    const key = JSON.stringify([what, why]);
    const e = this.entries.get(key) ?? { what, why, subjects: [] };
    if (subject) e.subjects.push(subject);
    this.entries.set(key, e);
  }

  list(): Skipped[] {
    return [...this.entries.values()].map((e) => ({ what: e.what, why: e.why, where: compress(e.subjects) }));
  }
}

function compress(subjects: Subject[]): string[] {
  const out: string[] = [];
  const ports = new Map<string, string[]>();
  for (const s of subjects) {
    if ("text" in s) {
      if (!out.includes(s.text)) out.push(s.text);
    } else ports.set(s.serial, [...(ports.get(s.serial) ?? []), s.portId]);
  }
  for (const [serial, ids] of ports) {
    const expr = portExpression(ids);
    out.push(`${serial} port${ids.length === 1 ? "" : "s"} ${Array.isArray(expr) ? expr.join(", ") : expr}`);
  }
  return out;
}

/** A value as JSON, cut short when long (a report line, not a dump). */
function show(v: unknown): string {
  const text = JSON.stringify(v) ?? "undefined";
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

// ---- resources before naming ----------------------------------------------------------------

interface Candidate {
  kind: ImportableKind;
  /** The resource's key (also its name while verifying). */
  key: string;
  /** Identity properties (networkId/vlanId, serial/portId, serial). */
  identity: Fields;
  fields: Fields;
  extra?: Fields;
  subject: Subject;
  label: string;
}

/** Props in schema order: identity first as the schema lists it, then fields, then extras. */
function ordered(k: KindFields, c: Pick<Candidate, "identity" | "fields" | "extra">): Fields {
  const all: Fields = { ...c.identity, ...c.fields, ...(c.extra ?? {}) };
  const out: Fields = {};
  for (const key of Object.keys(k.schema.shape)) if (key in all) out[key] = all[key];
  return out;
}

function propsOf(c: Candidate): Fields {
  return ordered(IMPORT_KINDS[c.kind], c);
}

/** Drops fields a schema refuses; false when the resource itself cannot be expressed. */
function fitSchema(c: Candidate, skips: SkipLog): boolean {
  const k = IMPORT_KINDS[c.kind];
  for (let round = 0; round < 50; round++) {
    const parsed = k.schema.safeParse(propsOf(c));
    if (parsed.success) return true;
    const removed = new Set<string>();
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "");
      if (removed.has(field)) continue; // another problem of a field already left out
      const message = `${issue.path.slice(1).length ? `${issue.path.slice(1).join(".")} ` : ""}${issueMessage(issue)}`;
      if (!(field in c.fields) || isRequired(k, field)) {
        skips.drop(c.key, null, c.label, `${field ? `${field}: ` : ""}${message}`, c.subject);
        return false;
      }
      skips.drop(c.key, field, `${field} ${show(c.fields[field])}`, message, c.subject);
      delete c.fields[field];
      removed.add(field);
    }
  }
  return false;
}

const networkLabel = (snapshot: LiveSnapshot, networkId: string) => {
  const net = snapshot.networks?.[networkId];
  return `${networkId}${net?.name ? ` (${net.name})` : ""}`;
};

/** Whether the network's VLANs are on, as a VlansSettings; none when its VLANs could not be read. */
function settingsCandidate(networkId: string, snapshot: LiveSnapshot, skips: SkipLog): Candidate | undefined {
  const coll = snapshot.vlans[networkId];
  if (!coll || coll.state === "missing") {
    skips.add("VLAN settings and VLANs", "the network's VLAN settings could not be read (not found)", { text: networkLabel(snapshot, networkId) });
    return undefined;
  }
  const c: Candidate = {
    kind: "vlansSettings",
    key: `vlansSettings/${networkId}`,
    identity: { networkId },
    fields: { vlansEnabled: coll.state === "ok" },
    subject: { text: networkLabel(snapshot, networkId) },
    label: "VLAN settings",
  };
  return fitSchema(c, skips) ? c : undefined;
}

/** On a network bound to a configuration template the API picks a VLAN's subnet and appliance IP from its cidr and mask. */
const TEMPLATE_CHOSEN = ["subnet", "applianceIp"];

/**
 * A prefix assignment's `disabled` is required on write (TFP#121) but GET never returns it: it is
 * written as false (an assignment in use) and named for the reader to check. The plan does not
 * compare it (provider/resources/vlan.ts), so the first plan stays empty either way.
 */
function completePrefixAssignments(live: LiveRecord, subject: Subject, assumed: SkipLog): LiveRecord {
  const ipv6 = live.ipv6 as { prefixAssignments?: unknown } | undefined;
  if (!ipv6 || !Array.isArray(ipv6.prefixAssignments)) return live;
  const list = ipv6.prefixAssignments as Array<Record<string, unknown>>;
  if (list.every((a) => !a || typeof a !== "object" || a.disabled !== undefined)) return live;
  assumed.add("disabled of IPv6 prefix assignments", "the API does not return it and requires it on write: written as false (in use)", subject);
  return { ...live, ipv6: { ...ipv6, prefixAssignments: list.map((a) => (a && typeof a === "object" && a.disabled === undefined ? { ...a, disabled: false } : a)) } };
}

function vlanCandidates(networkId: string, snapshot: LiveSnapshot, skips: SkipLog, assumed: SkipLog, seen: Set<string>): Candidate[] {
  const coll = snapshot.vlans[networkId];
  // A network whose VLANs are off, or could not be read, is said by its VlansSettings (or its absence).
  if (coll?.state !== "ok") return [];
  const bound = snapshot.networks?.[networkId]?.isBoundToConfigTemplate === true;
  const out: Candidate[] = [];
  const ids = Object.keys(coll.vlans).sort((a, b) => Number(a) - Number(b));
  for (const id of ids) {
    let live = coll.vlans[id];
    const vlanId = Number(live.id ?? id);
    const subject = { text: `VLAN ${vlanId} on ${networkId}` };
    if (bound) {
      const chosen = TEMPLATE_CHOSEN.filter((f) => live[f] !== undefined);
      if (chosen.length) skips.add(chosen.join(" and "), "on a network bound to a configuration template the API picks them from cidr and mask", { text: networkLabel(snapshot, networkId) });
      live = Object.fromEntries(Object.entries(live).filter(([f]) => !TEMPLATE_CHOSEN.includes(f)));
    }
    live = completePrefixAssignments(live, subject, assumed);
    const d = deriveFields(IMPORT_KINDS.vlan, live);
    const key = `vlan/${networkId}/${vlanId}`;
    for (const f of d.unknown) skips.drop(key, f, `VLAN field '${f}'`, "the SDK has no property for it", subject);
    for (const x of d.dropped) skips.drop(key, x.field, `${x.field} ${show(x.value)}`, x.reason, subject);
    noteReadOnly(IMPORT_KINDS.vlan, live, seen);
    const c: Candidate = { kind: "vlan", key, identity: { networkId, vlanId }, fields: d.fields, extra: { adopt: true }, subject, label: `VLAN ${vlanId}` };
    if (fitSchema(c, skips)) out.push(c);
  }
  return out;
}

function portCandidates(device: LiveDevice, snapshot: LiveSnapshot, skips: SkipLog, seen: Set<string>): Candidate[] {
  const ports = snapshot.ports[device.serial] ?? {};
  const out: Candidate[] = [];
  for (const portId of Object.keys(ports).sort(naturalCompare)) {
    const live = ports[portId];
    const subject = { serial: device.serial, portId };
    const d = deriveFields(IMPORT_KINDS.switchPort, live);
    const key = `switchPort/${device.serial}/${portId}`;
    for (const f of d.unknown) skips.drop(key, f, `port field '${f}'`, "the SDK has no property for it", subject);
    for (const x of d.dropped) skips.drop(key, x.field, `${x.field} ${show(x.value)}`, x.reason, subject);
    noteReadOnly(IMPORT_KINDS.switchPort, live, seen);
    // Values the port keeps but the API would refuse in a write (e.g. allowedVlans left on a port that became an access port).
    for (let round = 0; round < 50; round++) {
      const issues = portRuleIssues(d.fields, live).filter((i) => i.path in d.fields);
      if (!issues.length) break;
      for (const i of issues) {
        if (!(i.path in d.fields)) continue;
        skips.drop(key, i.path, `${i.path} ${show(d.fields[i.path])}`, `${i.message}; the API keeps it but would not take it`, subject);
        delete d.fields[i.path];
      }
    }
    const c: Candidate = { kind: "switchPort", key, identity: { serial: device.serial, portId }, fields: d.fields, subject, label: `port ${portId}` };
    if (fitSchema(c, skips)) out.push(c);
  }
  return out;
}

/** A candidate from live fields through its kind's derivation; every left-out field named. */
function derived(kind: ImportableKind, key: string, identity: Fields, live: LiveRecord, subject: Subject, label: string, skips: SkipLog, extra?: Fields): Candidate | undefined {
  const d = deriveFields(IMPORT_KINDS[kind], live);
  for (const f of d.unknown) skips.drop(key, f, `${label} field '${f}'`, "the SDK has no property for it", subject);
  for (const x of d.dropped) skips.drop(key, x.field, `${x.field} ${show(x.value)}`, x.reason, subject);
  const c: Candidate = { kind, key, identity, fields: d.fields, subject, label, ...(extra ? { extra } : {}) };
  return fitSchema(c, skips) ? c : undefined;
}

/** A device's name, address, notes and location, when it has any. */
function deviceCandidate(d: LiveDevice, skips: SkipLog): Candidate | undefined {
  const live = { name: d.name, address: d.address ?? null, notes: d.notes ?? null, lat: d.lat ?? null, lng: d.lng ?? null };
  const c = derived("device", `device/${d.serial}`, { serial: d.serial }, live, { text: d.serial }, `attributes of ${d.serial}`, skips);
  return c && Object.values(c.fields).some((v) => v !== null) ? c : undefined;
}

/** The environment variable an imported policy's RADIUS secrets are read from: RADIUS_SECRET_<NAME>. */
export function secretVariable(policyName: string): string {
  const words = policyName.toUpperCase().replace(/[^A-Z0-9]+/g, "_").replace(/^_+|_+$/g, "");
  return `RADIUS_SECRET${words ? `_${words}` : ""}`;
}

/**
 * A network's access policies, adopted. The API never returns RADIUS secrets: each server's is
 * read from an environment variable named after the policy, which the reader is told to set.
 */
function policyCandidates(networkId: string, snapshot: LiveSnapshot, skips: SkipLog, assumed: SkipLog): Candidate[] {
  const out: Candidate[] = [];
  for (const live of snapshot.accessPolicies?.[networkId] ?? []) {
    const name = String(live.name ?? "");
    const subject = { text: `access policy '${name}' on ${networkId}` };
    const env = secretVariable(name);
    const withSecret = (list: unknown) => (Array.isArray(list) ? list.map((x: Record<string, unknown>) => ({ host: x.host, port: x.port, secret: { fromEnv: env } })) : list);
    const servers = [...((live.radiusServers as unknown[]) ?? []), ...((live.radiusAccountingServers as unknown[]) ?? [])];
    if (servers.length) assumed.add(`RADIUS secrets, read from $${env}`, "the API does not return them: set the variable where batches are sent (they are sent when the policy's servers change)", subject);
    const fields = { ...live, radiusServers: withSecret(live.radiusServers), radiusAccountingServers: withSecret(live.radiusAccountingServers) };
    const c = derived("switchAccessPolicy", `switchAccessPolicy/${networkId}/${name}`, { networkId }, fields, subject, `access policy '${name}'`, skips, { adopt: true });
    if (c) out.push(c);
  }
  return out;
}

function aggregationCandidates(networkId: string, snapshot: LiveSnapshot, skips: SkipLog): Candidate[] {
  const out: Candidate[] = [];
  for (const live of snapshot.linkAggregations?.[networkId] ?? []) {
    const members = ((live.switchPorts as Array<{ serial: string; portId: string }>) ?? [])
      .map((m) => ({ serial: String(m.serial), portId: String(m.portId) }))
      .sort((a, b) => naturalCompare(`${a.serial}/${a.portId}`, `${b.serial}/${b.portId}`));
    const first = members[0] ? `${members[0].serial}/${members[0].portId}` : String(live.id);
    const c: Candidate = {
      kind: "linkAggregation",
      key: `linkAggregation/${networkId}/${first}`,
      identity: { networkId },
      fields: { switchPorts: members },
      extra: { adopt: true },
      subject: { text: `link aggregation ${String(live.id)} on ${networkId}` },
      label: `link aggregation ${String(live.id)}`,
    };
    if (fitSchema(c, skips)) out.push(c);
  }
  return out;
}

/** A switch's layer 3 interfaces, each with its DHCP settings, and its static routes; adopted. */
function routingCandidates(serial: string, snapshot: LiveSnapshot, skips: SkipLog): { interfaces: Candidate[]; routes: Candidate[] } {
  const interfaces: Candidate[] = [];
  for (const live of [...(snapshot.routingInterfaces?.[serial] ?? [])].sort((a, b) => Number(a.vlanId) - Number(b.vlanId))) {
    const vlanId = Number(live.vlanId);
    const dhcp = snapshot.interfaceDhcp?.[`${serial}/${String(live.interfaceId)}`];
    const c = derived("switchRoutingInterface", `switchRoutingInterface/${serial}/${vlanId}`, { serial, vlanId }, { ...live, ...(dhcp ? { dhcp } : {}) }, { text: `layer 3 interface VLAN ${vlanId} of ${serial}` }, `layer 3 interface VLAN ${vlanId}`, skips, { adopt: true });
    if (c) interfaces.push(c);
  }
  const routes: Candidate[] = [];
  for (const live of [...(snapshot.staticRoutes?.[serial] ?? [])].sort((a, b) => naturalCompare(String(a.subnet), String(b.subnet)))) {
    const subnet = String(live.subnet);
    const c = derived("switchStaticRoute", `switchStaticRoute/${serial}/${subnet}`, { serial }, live, { text: `static route ${subnet} of ${serial}` }, `static route ${subnet}`, skips, { adopt: true });
    if (c) routes.push(c);
  }
  return { interfaces, routes };
}

function noteReadOnly(k: KindFields, live: LiveRecord, seen: Set<string>): void {
  for (const f of k.readOnly) if (live[f] !== undefined) seen.add(`${k.kind}:${f}`);
}

/**
 * Plans the candidates against the snapshot as a first `pulumi up` would (intent create): any
 * field that would change, or that the plan refuses, is dropped and named. With correct
 * derivation nothing is dropped here; this is the proof of decision 14, not a filter.
 */
function verify(candidates: Candidate[], snapshot: LiveSnapshot, skips: SkipLog): Candidate[] {
  let current = candidates;
  for (let round = 0; round < 5 && current.length; round++) {
    const specs: ResourceSpec[] = current.map((c) => ({ kind: c.kind, name: c.key, props: propsOf(c), intent: "create" }));
    const problems = new Map<string, Array<{ path: string; message: string }>>();
    const { items, issues } = validateAll(specs);
    for (const i of issues) problems.set(i.name ?? "", [...(problems.get(i.name ?? "") ?? []), { path: i.path, message: i.message }]);
    try {
      const plan = makePlan(items, [], snapshot);
      for (const ch of plan.changes) {
        if (ch.op === "noop") continue;
        const list = ch.fields.length ? ch.fields.map((f) => ({ path: f.path, message: `would change from ${show(f.old)} to ${show(f.new)}` })) : [{ path: "", message: `would ${ch.op}` }];
        problems.set(ch.name, [...(problems.get(ch.name) ?? []), ...list]);
      }
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const i of err.issues) problems.set(i.name ?? "", [...(problems.get(i.name ?? "") ?? []), { path: i.path, message: i.message }]);
    }
    if (!problems.size) return current;
    const keep: Candidate[] = [];
    for (const c of current) {
      const list = problems.get(c.key);
      if (!list) {
        keep.push(c);
        continue;
      }
      let whole = false;
      for (const p of list) {
        const field = p.path.split(".")[0];
        if (field in c.fields && !isRequired(IMPORT_KINDS[c.kind], field)) {
          skips.drop(c.key, field, `${field} ${show(c.fields[field])}`, `the first plan would not be empty: ${p.message}`, c.subject);
          delete c.fields[field];
        } else {
          skips.drop(c.key, null, c.label, `the first plan would not be empty: ${p.path ? `${p.path}: ` : ""}${p.message}`, c.subject);
          whole = true;
        }
      }
      if (!whole) keep.push(c);
    }
    current = keep;
  }
  return current;
}

// ---- the model ------------------------------------------------------------------------------------

const READ_ONLY_LABEL: Partial<Record<Kind, string>> = { vlan: "VLAN", switchPort: "switch port" };

export function buildModel(snapshot: LiveSnapshot, scope: Scope): ImportModel {
  const skips = new SkipLog();
  const assumed = new SkipLog();
  const readOnlySeen = new Set<string>();
  const networks = snapshot.networks ?? {};
  const devices = snapshot.devices ?? {};
  const kinds = scope.kinds;

  // Candidates, in program order.
  const settings = new Map<string, Candidate>();
  const vlans = new Map<string, Candidate[]>();
  for (const id of scope.vlanNetworks) {
    const s = settingsCandidate(id, snapshot, skips);
    if (s) settings.set(id, s);
    vlans.set(id, vlanCandidates(id, snapshot, skips, assumed, readOnlySeen));
  }

  const tags = new Map<string, Candidate>();
  let untaggedDevices = 0;
  if (kinds.includes("tags")) {
    for (const serial of scope.serials) {
      const list = sortedUnique(devices[serial].tags ?? []);
      if (!list.length) {
        untaggedDevices++;
        continue;
      }
      const c: Candidate = { kind: "deviceTags", key: `deviceTags/${serial}`, identity: { serial }, fields: { tags: list }, subject: { text: serial }, label: `tags of ${serial}` };
      // An exact tag set without one of the tags would remove it: a refused tag skips the set.
      const bad = IMPORT_KINDS.deviceTags.schema.safeParse(propsOf(c));
      if (!bad.success) skips.drop(c.key, null, `tags ${show(list)}`, bad.error.issues.map((i) => `${i.path.join(".")} ${issueMessage(i)}`).join("; "), c.subject);
      else tags.set(serial, c);
    }
  }

  const attributes = new Map<string, Candidate>();
  if (kinds.includes("devices")) {
    for (const serial of scope.serials) {
      const c = deviceCandidate(devices[serial], skips);
      if (c) attributes.set(serial, c);
    }
  }
  const policies = new Map<string, Candidate[]>();
  for (const id of scope.policyNetworks) policies.set(id, policyCandidates(id, snapshot, skips, assumed));
  const aggregations = new Map<string, Candidate[]>();
  for (const id of scope.aggregationNetworks) aggregations.set(id, aggregationCandidates(id, snapshot, skips));
  const interfaces = new Map<string, Candidate[]>();
  const routes = new Map<string, Candidate[]>();
  for (const serial of scope.routingSwitches) {
    const r = routingCandidates(serial, snapshot, skips);
    interfaces.set(serial, r.interfaces);
    routes.set(serial, r.routes);
  }

  const ports = new Map<string, Candidate[]>();
  if (kinds.includes("ports")) {
    const others = scope.serials.filter((s) => devices[s].productType !== "switch");
    for (const s of others) skips.add("ports", "not a switch", { text: `${s}: ${devices[s].model}${devices[s].productType ? ` ${devices[s].productType}` : ""}` });
    for (const serial of scope.switches) ports.set(serial, portCandidates(devices[serial], snapshot, skips, readOnlySeen));
  }

  // Every kept resource plans empty against the snapshot.
  const lists = [vlans, ports, policies, aggregations, interfaces, routes];
  const singles = [settings, tags, attributes];
  const all = [...singles.flatMap((m) => [...m.values()]), ...lists.flatMap((m) => [...m.values()].flat())];
  const verified = new Set(verify(all, snapshot, skips));
  for (const m of singles) for (const [k, c] of m) if (!verified.has(c)) m.delete(k);
  for (const m of lists) for (const [k, list] of m) m.set(k, list.filter((c) => verified.has(c)));

  for (const kind of ["vlan", "switchPort"] as const) {
    const fields = IMPORT_KINDS[kind].readOnly.filter((f) => readOnlySeen.has(`${kind}:${f}`));
    if (fields.length) skips.add(`${READ_ONLY_LABEL[kind]} field${fields.length === 1 ? "" : "s"} ${fields.join(", ")}`, "read-only");
  }

  // Names: constants, then resource names, in program order.
  const constants = new NameSet("");
  const vlanNames = new NameSet("-");
  const slugs = new NameSet("-");
  const portNames = new NameSet("-");
  const model: ImportModel = {
    organizationId: snapshot.organizationId,
    kinds,
    networks: [],
    devices: [],
    skipped: [],
    dropped: [],
    assumed: [],
    counts: {
      vlansSettings: 0, vlansDisabled: 0, vlans: 0, vlanNetworks: 0, tagSets: 0, ports: 0, switches: 0, declarations: 0, defaultPorts: 0, untaggedDevices,
      devices: 0, policies: 0, aggregations: 0, interfaces: 0, routes: 0,
    },
  };
  const resourceNames = new NameSet("-");
  /** networkId → policy number → the declared policy, so that ports use its output. */
  const policyByNumber = new Map<string, Map<string, ImportedResource>>();
  const aggregationsOf = new Map<string, Candidate[]>();
  for (const id of scope.networkIds) {
    const list = vlans.get(id) ?? [];
    const s = settings.get(id);
    const pols = policies.get(id) ?? [];
    const lags = aggregations.get(id) ?? [];
    if (!list.length && !s && !pols.length && !lags.length) continue;
    const net = networks[id];
    const constant = constants.take(camel(net.name || id.toLowerCase(), "network"));
    const slug = slugs.take(kebab(net.name ?? "", id.toLowerCase()));
    const imported: ImportedNetwork = { id, name: net.name, constant, vlans: [], policies: [], aggregations: [] };
    for (const c of pols) {
      const name = String(c.fields.name);
      const p: ImportedResource = { resourceName: resourceNames.take(`${slug}-${kebab(name, "access-policy")}`), props: propsOf(c), variable: constants.take(camel(name, "accessPolicy")) };
      imported.policies.push(p);
      const number = snapshot.accessPolicies?.[id]?.find((x) => x.name === name)?.accessPolicyNumber;
      if (number !== undefined) policyByNumber.set(id, (policyByNumber.get(id) ?? new Map()).set(String(number), p));
    }
    model.counts.policies += pols.length;
    aggregationsOf.set(id, lags);
    if (s) {
      imported.vlansSettings = {
        resourceName: vlanNames.take(`${slug}-vlans-settings`),
        props: propsOf(s),
        ...(list.length ? { variable: constants.take(`${constant}Vlans`) } : {}),
      };
      model.counts.vlansSettings++;
      if (s.fields.vlansEnabled === false) model.counts.vlansDisabled++;
    }
    imported.vlans = list.map((c) => ({ resourceName: vlanNames.take(`${slug}-vlan-${c.identity.vlanId}`), props: propsOf(c), retainOnDelete: c.identity.vlanId === 1 }));
    model.networks.push(imported);
    if (list.length) {
      model.counts.vlans += list.length;
      model.counts.vlanNetworks++;
    }
  }
  for (const serial of scope.serials) {
    const d = devices[serial];
    const t = tags.get(serial);
    const a = attributes.get(serial);
    const svis = interfaces.get(serial) ?? [];
    const rts = routes.get(serial) ?? [];
    const p = ports.get(serial) ?? [];
    const withFields = p.filter((c) => Object.keys(c.fields).length);
    model.counts.defaultPorts += p.length - withFields.length;
    if (!t && !withFields.length && !a && !svis.length && !rts.length) continue;
    const constant = constants.take(camel(d.name || serial.toLowerCase(), "device"));
    const slug = slugs.take(kebab(d.name ?? "", serial.toLowerCase()));
    const device: ImportedDevice = {
      serial, name: d.name, model: d.model, productType: d.productType, networkId: d.networkId, networkName: (d.networkId && networks[d.networkId]?.name) || d.networkId, constant,
      ports: [], interfaces: [], routes: [],
    };
    if (t) {
      device.tags = { resourceName: `${slug}-tags`, props: propsOf(t) };
      model.counts.tagSets++;
    }
    if (a) {
      device.attributes = { resourceName: resourceNames.take(`${slug}-device`), props: propsOf(a) };
      model.counts.devices++;
    }
    device.interfaces = svis.map((c) => ({ resourceName: resourceNames.take(`${slug}-vlan-${c.identity.vlanId}-interface`), props: propsOf(c) }));
    device.routes = rts.map((c) => ({ resourceName: resourceNames.take(`${slug}-route-${kebab(String(c.fields.subnet), "route")}`), props: propsOf(c) }));
    model.counts.interfaces += svis.length;
    model.counts.routes += rts.length;
    // A port on a declared access policy names it through the policy's output, as a person would.
    const onPolicy = (fields: Fields): Fields => {
      const policy = fields.accessPolicyType === "Custom access policy" && d.networkId ? policyByNumber.get(d.networkId)?.get(String(fields.accessPolicyNumber)) : undefined;
      return policy ? { ...fields, accessPolicyNumber: { $ref: policy.resourceName, kind: "switchAccessPolicy", output: "accessPolicyNumber" } } : fields;
    };
    const groupNames = new Set<string>();
    for (const decl of groupPorts(withFields.map((c) => ({ portId: c.identity.portId as string, fields: onPolicy(c.fields) })))) {
      if (decl.kind === "single") {
        device.ports.push({ ...decl, resourceName: portNames.take(`${slug}-port-${decl.portId}`) });
        continue;
      }
      const base = `${slug}-${kebab(decl.pattern ? `${decl.pattern.prefix} ${decl.pattern.suffix}` : String(decl.settings.name ?? ""), "ports")}`;
      let name = base;
      for (let n = 2; groupNames.has(name) || !portNames.takeAll(decl.ports.map((id) => `${name}-${id}`)); n++) name = `${base}-${n}`;
      groupNames.add(name);
      device.ports.push({ ...decl, resourceName: name });
    }
    if (withFields.length) {
      model.counts.ports += withFields.length;
      model.counts.switches++;
    }
    model.devices.push(device);
  }
  // Aggregations come after the ports they bundle.
  for (const n of model.networks) {
    for (const c of aggregationsOf.get(n.id) ?? []) {
      const members = c.fields.switchPorts as Array<{ serial: string; portId: string }>;
      const owner = devices[members[0].serial];
      const base = `${kebab(owner?.name ?? "", members[0].serial.toLowerCase())}-lag-${kebab(members[0].portId, "ports")}`;
      n.aggregations.push({ resourceName: resourceNames.take(base), props: propsOf(c) });
    }
    model.counts.aggregations += n.aggregations.length;
  }
  model.counts.declarations =
    model.counts.vlansSettings + model.counts.vlans + model.counts.tagSets + model.devices.reduce((n, d) => n + d.ports.length, 0) +
    model.counts.devices + model.counts.policies + model.counts.aggregations + model.counts.interfaces + model.counts.routes;
  model.skipped = skips.list();
  model.dropped = skips.dropped;
  model.assumed = assumed.list();
  return model;
}

/** The resources the generated program declares, exactly as it declares them (names included). */
export function modelResources(model: ImportModel): ResourceSpec[] {
  const out: ResourceSpec[] = [];
  for (const n of model.networks) {
    if (n.vlansSettings) out.push({ kind: "vlansSettings", name: n.vlansSettings.resourceName, props: n.vlansSettings.props });
    for (const v of n.vlans) out.push({ kind: "vlan", name: v.resourceName, props: v.props });
  }
  for (const n of model.networks) for (const p of n.policies) out.push({ kind: "switchAccessPolicy", name: p.resourceName, props: p.props });
  for (const d of model.devices) if (d.attributes) out.push({ kind: "device", name: d.attributes.resourceName, props: d.attributes.props });
  for (const d of model.devices) if (d.tags) out.push({ kind: "deviceTags", name: d.tags.resourceName, props: d.tags.props });
  for (const d of model.devices) {
    for (const i of d.interfaces) out.push({ kind: "switchRoutingInterface", name: i.resourceName, props: i.props });
    for (const r of d.routes) out.push({ kind: "switchStaticRoute", name: r.resourceName, props: r.props });
  }
  for (const d of model.devices) {
    for (const decl of d.ports) {
      if (decl.kind === "single") {
        out.push({ kind: "switchPort", name: decl.resourceName, props: { serial: d.serial, portId: decl.portId, ...decl.settings } });
        continue;
      }
      // One SwitchPorts resource, as meraki.switchPorts builds it: a name that differs per port is an override.
      const { name: _shared, ...rest } = decl.settings;
      const names = decl.ports.map((portId) => memberName(decl, portId));
      const sharedName = names.every((n) => n === names[0]) ? names[0] : undefined;
      const overrides = sharedName !== undefined || names[0] === undefined ? undefined : Object.fromEntries(decl.ports.map((portId, i) => [portId, { name: names[i] }]));
      out.push({
        kind: "switchPorts",
        name: decl.resourceName,
        props: { serial: d.serial, ports: decl.expression, ...rest, ...(sharedName !== undefined ? { name: sharedName } : {}), ...(overrides ? { overrides } : {}) },
      });
    }
  }
  for (const n of model.networks) for (const a of n.aggregations) out.push({ kind: "linkAggregation", name: a.resourceName, props: a.props });
  return out;
}

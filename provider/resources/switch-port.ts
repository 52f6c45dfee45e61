/**
 * Switch ports: /devices/{serial}/switch/ports/{portId} (reference §3.2). Ports always exist:
 * "create" takes a port over and configures it, "delete" follows onDelete (restore the fields as
 * they were when taken over, reset them to factory defaults, or leave them).
 */
import { z } from "zod";
import { SWITCH_PORT_DEFAULTS } from "../../lib/switch-port-defaults";
import { canonicalVlanList, parseVlanList, vlanListIncludes } from "../../lib/vlan-list";
import { Action } from "../dashboard/batches";
import { LiveRecord, LiveSnapshot, needPorts, portFieldRead } from "../live/snapshot";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, allowedVlans, clean, encode, mac, project, resourceRef, sortedUnique, tag, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

export const PORT_TYPES = ["access", "trunk", "stack", "routed", "svl", "dad"] as const;
export const STP_GUARDS = ["disabled", "root guard", "bpdu guard", "loop guard"] as const;
export const UDLD_MODES = ["Alert only", "Enforce"] as const;
export const ACCESS_POLICY_TYPES = ["Open", "Custom access policy", "MAC allow list", "Sticky MAC allow list"] as const;

const nullableVlan = z.preprocess(
  (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
  z.number({ message: "must be a VLAN id (an integer 1-4094) or null" }).int().min(1, { message: "must be between 1 and 4094" }).max(4094, { message: "must be between 1 and 4094" }).nullable(),
);

export const switchPortSchema = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    portId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^[0-9A-Za-z_/-]+$/, { message: "must be a port id such as \"1\" or \"1_MA-MOD-4X10G_1\"" })),
    name: z.string().nullable().optional(),
    tags: z.array(tag).optional(),
    enabled: z.boolean().optional(),
    poeEnabled: z.boolean().optional(),
    type: z.enum(PORT_TYPES).optional(),
    vlan: nullableVlan.optional(),
    voiceVlan: nullableVlan.optional(),
    allowedVlans: allowedVlans.optional(),
    isolationEnabled: z.boolean().optional(),
    rstpEnabled: z.boolean().optional(),
    stpGuard: z.enum(STP_GUARDS).optional(),
    stpPortFastTrunk: z.boolean().optional(),
    linkNegotiation: z.string().min(1).optional(),
    portScheduleId: z.string().nullable().optional(),
    udld: z.enum(UDLD_MODES).optional(),
    accessPolicyType: z.enum(ACCESS_POLICY_TYPES).optional(),
    /** A number, or (CLI programs) a reference to a SwitchAccessPolicy's number, resolved when planning. */
    accessPolicyNumber: z.union([z.number().int().min(1), resourceRef("switchAccessPolicy", "accessPolicyNumber")]).optional(),
    macAllowList: z.array(mac).max(20, { message: "can have at most 20 MAC addresses" }).optional(),
    /** With accessPolicyType 'MAC allow list' (MS 18+, PYSDK); returned by GET and compared like the others. */
    macWhitelistLimit: z.number().int().min(1).optional(),
    stickyMacAllowList: z.array(mac).optional(),
    stickyMacAllowListLimit: z.number().int().min(1).optional(),
    stormControlEnabled: z.boolean().optional(),
    adaptivePolicyGroupId: z.string().nullable().optional(),
    peerSgtCapable: z.boolean().optional(),
    flexibleStackingEnabled: z.boolean().optional(),
    daiTrusted: z.boolean().optional(),
    profile: z.object({ enabled: z.boolean(), id: z.string().optional(), iname: z.string().nullable().optional() }).strict().optional(),
    dot3az: z.object({ enabled: z.boolean() }).strict().optional(),
    highSpeed: z.object({ enabled: z.boolean() }).strict().optional(),
    onDelete: z.enum(["restore", "reset", "retain"]).optional(),
  })
  .strict();

export type SwitchPortProps = z.infer<typeof switchPortSchema>;

const KEY_FIELDS = ["serial", "portId", "onDelete"];
/** "Only applicable to access ports" and the access-policy fields (SPEC142 field descriptions). */
const ACCESS_ONLY = ["voiceVlan", "accessPolicyNumber", "macAllowList", "macWhitelistLimit", "stickyMacAllowList", "stickyMacAllowListLimit"];
/** "Only applicable to trunk ports" (allowedVlans), "Applicable to trunk port only" (peerSgtCapable), SPEC142. */
const TRUNK_ONLY = ["allowedVlans", "peerSgtCapable"];

/** Each access-policy field is "Only applicable when 'accessPolicyType' is …" (SPEC142; PYSDK for macWhitelistLimit). */
const POLICY_FIELDS: Record<string, string> = {
  accessPolicyNumber: "Custom access policy",
  macAllowList: "MAC allow list",
  macWhitelistLimit: "MAC allow list",
  stickyMacAllowList: "Sticky MAC allow list",
  stickyMacAllowListLimit: "Sticky MAC allow list",
};
const POLICY_ENTRIES = Object.entries(POLICY_FIELDS);

/** What an untouched MS port looks like; "reset" puts managed fields back to these. */
export const PORT_DEFAULTS: Record<string, unknown> = { ...SWITCH_PORT_DEFAULTS, highSpeed: { enabled: false } };

/** Normalised for comparison: "" and null names are the same, tag and MAC order don't matter, VLAN lists are canonical. */
export function normalise(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f };
  if (out.name === "") out.name = null;
  if (Array.isArray(out.tags)) out.tags = sortedUnique(out.tags as string[]);
  if (typeof out.allowedVlans === "string") out.allowedVlans = canonicalVlanList(out.allowedVlans);
  for (const k of ["macAllowList", "stickyMacAllowList"]) {
    if (Array.isArray(out[k])) out[k] = sortedUnique((out[k] as string[]).map((m) => m.toLowerCase().replace(/-/g, ":")));
  }
  return clean(out);
}

const key = (p: { serial: string; portId: string }) => `switchPort/${p.serial}/${p.portId}`;
const describe = (p: { serial: string; portId: string }) => `port ${p.portId} of switch ${p.serial}`;
const resource = (p: { serial: string; portId: string }) => `/devices/${encode(p.serial)}/switch/ports/${encode(p.portId)}`;

function livePort(p: SwitchPortProps, ctx: PlanContext): { port?: LiveRecord; issue?: { path: string; message: string } } {
  const d = ctx.live.devices?.[p.serial];
  const serialIssue = (message: string) => ({ issue: { path: "serial", message } });
  if (ctx.live.devices && !d) return serialIssue(`device ${p.serial} is not in organization ${ctx.live.organizationId} (or not visible to this API key)`);
  if (d && d.productType !== "switch") return serialIssue(`device ${p.serial} is a ${d.model} (${d.productType}), not a switch`);
  const ports = ctx.live.ports[p.serial];
  if (!ports) return serialIssue(`switch ${p.serial} has no ports to read`);
  const port = ports[p.portId];
  if (!port) {
    const ids = Object.keys(ports);
    const listed = `${ids.slice(0, 3).join(", ")}${ids.length > 3 ? `, … ${ids[ids.length - 1]}` : ""}`;
    return { issue: { path: "portId", message: `switch ${p.serial} has no port ${p.portId} (it has ${ids.length} ports: ${listed})` } };
  }
  return { port };
}

/**
 * The rules that depend on the port's effective type and access policy (the desired value, else
 * the live one), checked before anything is sent. `read` says which live fields were read (see
 * portFieldsNeeded): a policy's required field that was not read is not judged, because the live
 * port already has that policy and the API never leaves such a port without the field.
 */
export function portRuleIssues(desired: Record<string, unknown>, live: LiveRecord, read: (field: string) => boolean = () => true): Array<{ path: string; message: string }> {
  const eff = (k: string) => (desired[k] !== undefined ? desired[k] : live[k]);
  const type = eff("type");
  const issues: Array<{ path: string; message: string }> = [];
  for (const f of ACCESS_ONLY) {
    if (desired[f] !== undefined && desired[f] !== null && type !== "access") issues.push({ path: f, message: `can only be set on access ports (this port is ${String(type)})` });
  }
  for (const f of TRUNK_ONLY) {
    if (desired[f] !== undefined && desired[f] !== false && type !== "trunk") issues.push({ path: f, message: `can only be set on trunk ports (this port is ${String(type)})` });
  }
  if (type === "access" && desired.vlan === null) issues.push({ path: "vlan", message: "is required for access ports (null only clears a trunk's native VLAN)" });
  const policy = type === "access" ? eff("accessPolicyType") : desired.accessPolicyType;
  if (policy !== undefined && policy !== "Open" && type !== "access") issues.push({ path: "accessPolicyType", message: "can only be set on access ports" });
  for (const [f, p] of POLICY_ENTRIES) if (desired[f] !== undefined && policy !== p) issues.push({ path: f, message: `can only be set with accessPolicyType '${p}'` });
  // Skipped when the number was not read and the port already has that policy: the API never leaves such a port without one.
  if (policy === "Custom access policy" && eff("accessPolicyNumber") === undefined && read("accessPolicyNumber")) issues.push({ path: "accessPolicyNumber", message: "is required with accessPolicyType 'Custom access policy'" });
  const sticky = eff("stickyMacAllowList");
  const limit = eff("stickyMacAllowListLimit");
  if (policy === "Sticky MAC allow list" && Array.isArray(sticky) && typeof limit === "number" && sticky.length > limit) {
    // "must be equal to or greater than the list size" (ansible-meraki meraki_ms_switchport)
    issues.push({ path: "stickyMacAllowListLimit", message: `must be at least the number of MACs in stickyMacAllowList (${sticky.length})` });
  }
  const caps = live.linkNegotiationCapabilities;
  if (typeof desired.linkNegotiation === "string" && Array.isArray(caps) && !caps.includes(desired.linkNegotiation)) {
    issues.push({ path: "linkNegotiation", message: `must be one of this port's capabilities: ${caps.join(", ")}` });
  }
  return issues;
}

const NULLABLE = ["name", "vlan", "voiceVlan", "portScheduleId", "adaptivePolicyGroupId"];

/**
 * Keeps only what the port will accept once the body applies: no trunk-only fields on an access
 * port and the reverse, no allow lists under another access policy, no null for a field that
 * cannot be null (a captured original records absent fields as null).
 */
function applicable(body: Record<string, unknown>, live: LiveRecord): Record<string, unknown> {
  const type = body.type ?? live.type;
  const out = { ...body };
  for (const [k, v] of Object.entries(out)) if (v === null && !NULLABLE.includes(k)) delete out[k];
  if (type !== "trunk") for (const f of TRUNK_ONLY) delete out[f];
  if (type !== "access") {
    for (const f of ACCESS_ONLY) delete out[f];
    if (out.accessPolicyType !== undefined) out.accessPolicyType = "Open";
  }
  const policy = out.accessPolicyType ?? live.accessPolicyType;
  for (const [f, p] of POLICY_ENTRIES) if (policy !== p) delete out[f];
  return out;
}

/**
 * The live port fields planning this resource reads: the fields it manages and the ones its rule
 * checks consult. They choose the source (live/read.ts): a switch is read through bySwitch only
 * when all of them are in its subset. Checking a new linkNegotiation needs the port's
 * linkNegotiationCapabilities, which only the per-switch read carries, so managing
 * linkNegotiation reads that switch per switch (a check that is never skipped).
 */
export function portFieldsNeeded(p: SwitchPortProps): string[] {
  const fields = [...Object.keys(without(p, KEY_FIELDS)), "type", "vlan", "voiceVlan", "accessPolicyType"];
  if (p.linkNegotiation !== undefined) fields.push("linkNegotiationCapabilities");
  if (p.accessPolicyType === "Custom access policy" && p.accessPolicyNumber === undefined) fields.push("accessPolicyNumber");
  return fields;
}

/** Managed fields the live read did not carry: they cannot be compared, so the plan stops instead. */
function unreadIssues(p: SwitchPortProps, live: LiveSnapshot, managed: Record<string, unknown>): Array<{ path: string; message: string }> {
  const source = live.portSources?.[p.serial]?.endpoint === "bySwitch" ? "the organization-wide bySwitch list" : "the live read";
  return Object.keys(managed)
    .filter((f) => !portFieldRead(live, p.serial, f))
    .map((f) => ({ path: f, message: `cannot be compared: switch ${p.serial}'s ports were read through ${source}, which does not carry '${f}'` }));
}

function update(p: SwitchPortProps, ctx: PlanContext, op: Change["op"], desired: Record<string, unknown>, live: LiveRecord): Change {
  // Project first, then normalise: only the managed fields are worth copying.
  const view = normalise(project(live, desired) as Record<string, unknown>);
  const fields = fieldChanges(view, desired);
  const actions: Action[] = [];
  if (fields.length) {
    const body: Record<string, unknown> = {};
    for (const f of new Set(fields.map((c) => c.path.split(".")[0]))) body[f] = desired[f];
    // Fields that only apply together travel together.
    if (body.accessPolicyType !== undefined) for (const f of Object.keys(POLICY_FIELDS)) if (desired[f] !== undefined) body[f] = desired[f];
    if (body.type === "trunk" && desired.allowedVlans !== undefined) body.allowedVlans = desired.allowedVlans;
    actions.push({ resource: resource(p), operation: "update", body });
  }
  return { key: key(p), kind: "switchPort", name: ctx.name, description: describe(p), op: fields.length ? op : "noop", fields, live: view, actions, dependsOn: [] };
}

export const switchPortKind: KindModule<SwitchPortProps> = {
  kind: "switchPort",
  label: "SwitchPort",
  schema: switchPortSchema,
  key,
  describe,
  needs(p, n) {
    // Membership of the switch in the organization comes with the ports (live/read.ts).
    needPorts(n, p.serial, portFieldsNeeded(p));
  },

  plan(p, ctx): KindPlan {
    const { port, issue } = livePort(p, ctx);
    if (issue) return { issues: [issue] };
    const desired = normalise(without(p, KEY_FIELDS));
    const unread = unreadIssues(p, ctx.live, desired);
    if (unread.length) return { issues: unread };
    const issues = portRuleIssues(desired, port!, (f) => portFieldRead(ctx.live, p.serial, f));
    if (issues.length) return { issues };
    return { change: update(p, ctx, "update", desired, port!) };
  },

  planDelete(p, spec: DeleteSpec, ctx): KindPlan {
    const port = ctx.live.ports[p.serial]?.[p.portId];
    const mode = spec.onDelete ?? p.onDelete ?? "restore";
    const managed = normalise(without(p, KEY_FIELDS));
    if (port && mode !== "retain") {
      const unread = unreadIssues(p, ctx.live, managed);
      if (unread.length) return { issues: unread };
    }
    if (!port || mode === "retain" || (mode === "restore" && !spec.original)) {
      return { change: { key: key(p), kind: "switchPort", name: ctx.name, description: describe(p), op: "noop", fields: [], live: null, actions: [], dependsOn: [] } };
    }
    const target: Record<string, unknown> = {};
    for (const f of Object.keys(managed)) {
      const source = mode === "reset" ? PORT_DEFAULTS : spec.original!;
      if (source[f] !== undefined) target[f] = source[f];
    }
    return { change: update(p, ctx, "delete", normalise(applicable(target, port)), port) };
  },

  phase() {
    return PHASE.portUpdate;
  },
};

/** Whether a port's fields refer to a VLAN id (access, voice, native or allowed). */
export function usesVlan(fields: Record<string, unknown>, id: number): boolean {
  if (fields.vlan === id || fields.voiceVlan === id) return true;
  if (typeof fields.allowedVlans !== "string") return false;
  const parsed = parseVlanList(fields.allowedVlans);
  // "all" on a trunk does not single a VLAN out: no ordering is needed for it.
  return parsed.ok && parsed.value !== "all" && vlanListIncludes(parsed.value, id);
}

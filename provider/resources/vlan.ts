/**
 * Appliance VLANs: /networks/{networkId}/appliance/vlans[/{vlanId}] (reference §3.1).
 * Creates carry the create fields; update-only fields follow in an update action in the same
 * batch (the API ignores them on create). A VLAN has a `subnet` and `applianceIp`, or, on a
 * network bound to a configuration template, `cidr`, `mask` and `templateVlanType` instead.
 */
import { z } from "zod";
import { parseCidr, parseIPv4 } from "../../lib/ipv4";
import { Action } from "../dashboard/batches";
import { LiveRecord } from "../live/snapshot";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, cidr, clean, encode, hostInSubnet, ipv4, mac, project, vlanNumber, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

export const DHCP_HANDLING = ["Run a DHCP server", "Relay DHCP to another server", "Do not respond to DHCP requests"] as const;
export const DHCP_LEASE_TIMES = ["30 minutes", "1 hour", "4 hours", "12 hours", "1 day", "1 week"] as const;
const RELAY = "Relay DHCP to another server";
const DNS_KEYWORDS = ["upstream_dns", "google_dns", "opendns"];
const HOSTNAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Fields the API takes on create (SPEC142 plus the 2026 additions). */
export const CREATE_FIELDS = [
  "name", "subnet", "applianceIp", "groupPolicyId", "templateVlanType", "cidr", "mask", "dhcpHandling", "dhcpRelayServerIps",
  "dhcpLeaseTime", "dhcpBootOptionsEnabled", "dhcpBootNextServer", "dhcpBootFilename", "dhcpOptions", "mandatoryDhcp", "ipv6",
  "sgt", "vrf", "uplinks",
] as const;
/** Fields the API only takes on update. */
export const UPDATE_ONLY_FIELDS = ["fixedIpAssignments", "reservedIpRanges", "dnsNameservers", "vpnNatSubnet"] as const;
/** Fields of a VLAN on a network bound to a configuration template, instead of subnet and applianceIp. */
export const TEMPLATE_FIELDS = ["templateVlanType", "cidr", "mask"] as const;

/**
 * `disabled` is required on write (TFP#121) but not in the GET schema, so it is never compared
 * against a live assignment that lacks it; `autonomous` is optional (SPEC142).
 */
const prefixAssignment = z
  .object({
    autonomous: z.boolean().optional(),
    disabled: z.boolean({ message: "is required (true or false): the API asks whether the prefix assignment is disabled" }),
    staticPrefix: z.string().optional(),
    staticApplianceIp6: z.string().optional(),
    origin: z.object({ type: z.enum(["independent", "internet"]), interfaces: z.array(z.string()).optional() }).strict(),
  })
  .strict();

export const vlanSchema = z
  .object({
    networkId: z.string().min(1, { message: "is required" }),
    vlanId: vlanNumber,
    name: z.string().min(1, { message: "must not be empty" }),
    subnet: cidr.optional(),
    applianceIp: ipv4.optional(),
    groupPolicyId: z.string().nullable().optional(),
    /** Template-bound networks only (SPEC142: "Applicable only for template network"). */
    templateVlanType: z.enum(["same", "unique"]).optional(),
    cidr: cidr.optional(),
    mask: z.number().int().min(1).max(32).optional(),
    dhcpHandling: z.enum(DHCP_HANDLING).optional(),
    dhcpRelayServerIps: z.array(ipv4).min(1).optional(),
    dhcpLeaseTime: z.enum(DHCP_LEASE_TIMES).optional(),
    dhcpBootOptionsEnabled: z.boolean().optional(),
    dhcpBootNextServer: z.string().nullable().optional(),
    dhcpBootFilename: z.string().nullable().optional(),
    dhcpOptions: z
      .array(
        z
          .object({
            code: z.string().refine((c) => /^\d+$/.test(c) && Number(c) >= 2 && Number(c) <= 254, { message: "must be a string holding an integer 2-254, such as \"66\"" }),
            type: z.enum(["text", "ip", "hex", "integer"]),
            value: z.string(),
          })
          .strict(),
      )
      .optional(),
    fixedIpAssignments: z.record(mac, z.object({ ip: ipv4, name: z.string().optional() }).strict()).optional(),
    reservedIpRanges: z.array(z.object({ start: ipv4, end: ipv4, comment: z.string() }).strict()).optional(),
    dnsNameservers: z
      .string()
      .refine((s) => DNS_KEYWORDS.includes(s) || s.split("\n").every((e) => parseIPv4(e.trim()) !== null || HOSTNAME.test(e.trim())), {
        message: "must be 'upstream_dns', 'google_dns', 'opendns' or newline-separated IP addresses or domain names",
      })
      .optional(),
    vpnNatSubnet: cidr.optional(),
    mandatoryDhcp: z.object({ enabled: z.boolean() }).strict().optional(),
    ipv6: z.object({ enabled: z.boolean(), prefixAssignments: z.array(prefixAssignment).optional() }).strict().optional(),
    // 2025-26 additions (PYSDK); their inner shapes are not in the reference, so any object is passed on.
    sgt: z.record(z.string(), z.unknown()).optional(),
    vrf: z.record(z.string(), z.unknown()).optional(),
    uplinks: z.array(z.record(z.string(), z.unknown())).optional(),
    /** Take over an existing VLAN instead of failing with "Vlan has already been taken". */
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    const template = TEMPLATE_FIELDS.filter((f) => v[f] !== undefined);
    if (template.length && (v.subnet !== undefined || v.applianceIp !== undefined)) {
      issue(v.subnet !== undefined ? "subnet" : "applianceIp", `cannot be combined with ${template.join(", ")}: on a network bound to a configuration template the subnet comes from cidr and mask`);
    } else if (template.length) {
      if (v.cidr === undefined) issue("cidr", "is required for a VLAN of a network bound to a configuration template");
      if (v.templateVlanType === "unique" && v.mask === undefined) issue("mask", "is required with templateVlanType 'unique' (the size of the subnet each network takes from cidr)");
      const pool = v.cidr ? parseCidr(v.cidr) : null;
      if (pool && v.templateVlanType === "unique" && v.mask !== undefined && v.mask < pool.prefix) issue("mask", `must be at least ${pool.prefix} (the size of cidr ${v.cidr})`);
    } else {
      for (const f of ["subnet", "applianceIp"] as const) {
        if (v[f] === undefined) issue(f, "is required (or cidr and mask, for a VLAN of a network bound to a configuration template)");
      }
    }
    const subnet = v.subnet;
    const c = subnet === undefined ? null : parseCidr(subnet);
    if (c && c.aligned && v.applianceIp !== undefined && parseIPv4(v.applianceIp) !== null && !hostInSubnet(v.applianceIp, subnet!)) {
      issue("applianceIp", `${v.applianceIp} must be a host address in the subnet ${subnet}`);
    }
    if (c && c.aligned) {
      v.reservedIpRanges?.forEach((r, i) => {
        if (!hostInSubnet(r.start, subnet!) || !hostInSubnet(r.end, subnet!)) {
          ctx.addIssue({ code: "custom", path: ["reservedIpRanges", i], message: `${r.start}-${r.end} must be within the subnet ${subnet}` });
        } else if (parseIPv4(r.start)! > parseIPv4(r.end)!) {
          ctx.addIssue({ code: "custom", path: ["reservedIpRanges", i], message: `start ${r.start} is after end ${r.end}` });
        }
      });
      for (const [m, a] of Object.entries(v.fixedIpAssignments ?? {})) {
        if (parseIPv4(a.ip) !== null && !hostInSubnet(a.ip, subnet!)) {
          ctx.addIssue({ code: "custom", path: ["fixedIpAssignments", m, "ip"], message: `${a.ip} must be within the subnet ${subnet}` });
        }
      }
    }
    if (v.dhcpHandling === RELAY && !v.dhcpRelayServerIps) issue("dhcpRelayServerIps", `is required when dhcpHandling is '${RELAY}'`);
    if (v.dhcpRelayServerIps && v.dhcpHandling !== RELAY) {
      // The API hides relay servers unless relaying, so this could never converge (ansible-meraki#434).
      issue("dhcpRelayServerIps", `only applies when dhcpHandling is '${RELAY}'`);
    }
  });

export type VlanProps = z.infer<typeof vlanSchema>;

const KEY_FIELDS = ["networkId", "vlanId", "adopt"];

/** Desired fields, normalised for comparison. */
function normaliseDesired(p: VlanProps): Record<string, unknown> {
  const fields = without(p, KEY_FIELDS);
  return normaliseFields(fields);
}

/** Normalised for comparison: MAC keys lower case, ranges and options sorted, DNS entries trimmed. */
export function normaliseFields(f: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...f };
  if (out.fixedIpAssignments && typeof out.fixedIpAssignments === "object") {
    out.fixedIpAssignments = Object.fromEntries(
      Object.entries(out.fixedIpAssignments as Record<string, { ip: string; name?: string }>)
        .map(([m, a]) => [m.toLowerCase().replace(/-/g, ":"), { ip: a.ip, name: a.name ?? "" }] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }
  if (Array.isArray(out.reservedIpRanges)) {
    out.reservedIpRanges = [...(out.reservedIpRanges as { start: string }[])].sort((a, b) => parseIPv4(a.start)! - parseIPv4(b.start)!);
  }
  if (Array.isArray(out.dhcpOptions)) out.dhcpOptions = [...(out.dhcpOptions as { code: string }[])].sort((a, b) => Number(a.code) - Number(b.code));
  if (typeof out.dnsNameservers === "string") out.dnsNameservers = out.dnsNameservers.split("\n").map((s) => s.trim()).filter(Boolean).join("\n");
  if (out.groupPolicyId === undefined || out.groupPolicyId === "") delete out.groupPolicyId;
  return clean(out);
}

type Assignment = Record<string, unknown>;
const assignmentsOf = (v: unknown): Assignment[] | undefined => {
  const list = v && typeof v === "object" ? (v as { prefixAssignments?: unknown }).prefixAssignments : undefined;
  return Array.isArray(list) ? (list as Assignment[]) : undefined;
};

/**
 * The desired fields that can be compared with this live VLAN. What the API does not return is
 * left out rather than reported as a change on every plan: a prefix assignment's `disabled`
 * (required on write, TFP#121, absent from the GET schema) and `uplinks` (absent from the GET
 * samples); they are sent with the VLAN's creates and updates.
 */
function comparable(desired: Record<string, unknown>, live: LiveRecord): Record<string, unknown> {
  const out = { ...desired };
  if (live.uplinks === undefined) delete out.uplinks;
  const wanted = assignmentsOf(out.ipv6);
  if (wanted) {
    const echoed = assignmentsOf(live.ipv6) ?? [];
    out.ipv6 = { ...(out.ipv6 as object), prefixAssignments: wanted.map((a, i) => (echoed[i] && echoed[i].disabled === undefined ? without(a, ["disabled"]) : a)) };
  }
  return out;
}

/**
 * Live fields, normalised the same way and seen through the desired shape; each live prefix
 * assignment is seen through the desired one (its optional fields the program leaves out, such
 * as `autonomous`, are not compared).
 */
function liveView(live: LiveRecord, desired: Record<string, unknown>): Record<string, unknown> {
  const normalised = normaliseFields({ ...live, groupPolicyId: live.groupPolicyId ?? null });
  const view = project(normalised, desired) as Record<string, unknown>;
  const wanted = assignmentsOf(desired.ipv6);
  const echoed = assignmentsOf(normalised.ipv6);
  if (wanted && echoed && view.ipv6 && typeof view.ipv6 === "object") {
    view.ipv6 = { ...(view.ipv6 as object), prefixAssignments: echoed.map((a, i) => (i < wanted.length ? project(a, wanted[i]) : a)) };
  }
  return view;
}

const collection = "/appliance/vlans";
const createResource = (networkId: string) => `/networks/${encode(networkId)}${collection}`;
const itemResource = (networkId: string, vlanId: number) => `/networks/${encode(networkId)}${collection}/${vlanId}`;

export function createActions(p: VlanProps): Action[] {
  // The spec types the create's id as a string (SPEC142, PYSDK); responses carry a number.
  const body: Record<string, unknown> = { id: String(p.vlanId) };
  for (const f of CREATE_FIELDS) if (p[f] !== undefined) body[f] = p[f];
  const actions: Action[] = [{ resource: createResource(p.networkId), operation: "create", body }];
  const follow: Record<string, unknown> = {};
  for (const f of UPDATE_ONLY_FIELDS) if (p[f] !== undefined) follow[f] = p[f];
  if (Object.keys(follow).length) actions.push({ resource: itemResource(p.networkId, p.vlanId), operation: "update", body: follow });
  return actions;
}

function key(p: { networkId: string; vlanId: number }): string {
  return `vlan/${p.networkId}/${p.vlanId}`;
}

function describe(p: { networkId: string; vlanId: number }): string {
  return `VLAN ${p.vlanId} on network ${p.networkId}`;
}

function liveVlans(ctx: PlanContext, p: VlanProps): { vlans?: Record<string, LiveRecord>; issue?: string } {
  const nets = ctx.live.networks;
  if (nets && !nets[p.networkId]) return { issue: `network ${p.networkId} is not in organization ${ctx.live.organizationId} (or not visible to this API key)` };
  const coll = ctx.live.vlans[p.networkId];
  if (!coll || coll.state === "missing") return { issue: `network ${p.networkId} was not found` };
  if (coll.state === "disabled") {
    return {
      issue: `VLANs are not enabled for this network (${p.networkId}); declare a VlansSettings for network ${p.networkId} with vlansEnabled: true (or enable them in Dashboard under Security & SD-WAN > Addressing & VLANs)`,
    };
  }
  return { vlans: coll.vlans };
}

/** subnet/applianceIp against cidr/mask/templateVlanType, by whether the network is bound to a template. */
function templateIssues(p: VlanProps, ctx: PlanContext): Array<{ path: string; message: string }> {
  const bound = ctx.live.networks?.[p.networkId]?.isBoundToConfigTemplate;
  if (bound === undefined) return [];
  if (bound && p.subnet !== undefined) {
    return [{ path: "subnet", message: `network ${p.networkId} is bound to a configuration template: declare cidr and mask (and templateVlanType) instead of subnet and applianceIp` }];
  }
  if (!bound) {
    return TEMPLATE_FIELDS.filter((f) => p[f] !== undefined).map((f) => ({ path: f, message: `only applies to a network bound to a configuration template (network ${p.networkId} is not)` }));
  }
  return [];
}

function change(p: VlanProps, ctx: PlanContext, fields: Change["fields"], op: Change["op"], live: LiveRecord | null, actions: Action[]): Change {
  return { key: key(p), kind: "vlan", name: ctx.name, description: describe(p), op, fields, live, actions, dependsOn: [] };
}

export const vlanKind: KindModule<VlanProps> = {
  kind: "vlan",
  label: "Vlan",
  schema: vlanSchema,
  key,
  describe,
  needs(p, n) {
    n.networks = true;
    n.vlanNetworks.add(p.networkId);
  },

  plan(p, ctx): KindPlan {
    const { vlans, issue } = liveVlans(ctx, p);
    if (issue) return { issues: [{ path: "networkId", message: issue }] };
    const misplaced = templateIssues(p, ctx);
    if (misplaced.length) return { issues: misplaced };
    const desired = normaliseDesired(p);
    const live = vlans![String(p.vlanId)];
    if (!live) {
      const fields = Object.entries(desired).map(([path, v]) => ({ path, old: null, new: v }));
      return { change: change(p, ctx, fields, "create", null, createActions(p)) };
    }
    if (ctx.intent === "create" && !p.adopt) {
      return {
        issues: [{ path: "vlanId", message: `Vlan has already been taken: VLAN ${p.vlanId} already exists on network ${p.networkId} (set adopt: true to manage it)` }],
      };
    }
    const wanted = comparable(desired, live);
    const view = liveView(live, wanted);
    const fields = fieldChanges(view, wanted);
    if (!fields.length) return { change: change(p, ctx, [], "noop", view, []) };
    const body: Record<string, unknown> = {};
    for (const f of new Set(fields.map((c) => c.path.split(".")[0]))) body[f] = (p as Record<string, unknown>)[f] ?? null;
    if (body.dhcpHandling === RELAY && p.dhcpRelayServerIps) body.dhcpRelayServerIps = p.dhcpRelayServerIps;
    // What cannot be compared is sent whenever the VLAN is updated anyway.
    if (p.uplinks !== undefined && wanted.uplinks === undefined) body.uplinks = p.uplinks;
    return { change: change(p, ctx, fields, "update", view, [{ resource: itemResource(p.networkId, p.vlanId), operation: "update", body }]) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const coll = ctx.live.vlans[p.networkId];
    const live = coll?.state === "ok" ? coll.vlans[String(p.vlanId)] : undefined;
    if (!live) return { change: change(p, ctx, [], "noop", null, []) };
    const view = liveView(live, comparable(normaliseDesired(p), live));
    return { change: change(p, ctx, [{ path: "vlanId", old: p.vlanId, new: null }], "delete", view, [{ resource: itemResource(p.networkId, p.vlanId), operation: "destroy" }]) };
  },

  phase(c) {
    if (c.op === "delete") return PHASE.vlanDestroy;
    return c.op === "create" ? PHASE.vlanCreate : PHASE.vlanUpdate;
  },
};

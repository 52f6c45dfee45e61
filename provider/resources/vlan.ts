/**
 * Appliance VLANs: /networks/{networkId}/appliance/vlans[/{vlanId}] (reference §3.1).
 * Creates carry the create fields; update-only fields follow in an update action in the same
 * batch (the API ignores them on create).
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

const prefixAssignment = z
  .object({
    autonomous: z.boolean(),
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
    subnet: cidr,
    applianceIp: ipv4,
    groupPolicyId: z.string().nullable().optional(),
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
    const c = parseCidr(v.subnet);
    if (c && c.aligned && c.prefix > 30) ctx.addIssue({ code: "custom", path: ["subnet"], message: "must be /30 or larger" });
    if (c && c.aligned && parseIPv4(v.applianceIp) !== null && !hostInSubnet(v.applianceIp, v.subnet)) {
      ctx.addIssue({ code: "custom", path: ["applianceIp"], message: `${v.applianceIp} must be a host address in the subnet ${v.subnet}` });
    }
    if (c && c.aligned) {
      v.reservedIpRanges?.forEach((r, i) => {
        if (!hostInSubnet(r.start, v.subnet) || !hostInSubnet(r.end, v.subnet)) {
          ctx.addIssue({ code: "custom", path: ["reservedIpRanges", i], message: `${r.start}-${r.end} must be within the subnet ${v.subnet}` });
        } else if (parseIPv4(r.start)! > parseIPv4(r.end)!) {
          ctx.addIssue({ code: "custom", path: ["reservedIpRanges", i], message: `start ${r.start} is after end ${r.end}` });
        }
      });
      for (const [m, a] of Object.entries(v.fixedIpAssignments ?? {})) {
        if (parseIPv4(a.ip) !== null && !hostInSubnet(a.ip, v.subnet)) {
          ctx.addIssue({ code: "custom", path: ["fixedIpAssignments", m, "ip"], message: `${a.ip} must be within the subnet ${v.subnet}` });
        }
      }
    }
    if (v.dhcpHandling === RELAY && !v.dhcpRelayServerIps) {
      ctx.addIssue({ code: "custom", path: ["dhcpRelayServerIps"], message: `is required when dhcpHandling is '${RELAY}'` });
    }
    if (v.dhcpRelayServerIps && v.dhcpHandling !== RELAY) {
      // The API hides relay servers unless relaying, so this could never converge (ansible-meraki#434).
      ctx.addIssue({ code: "custom", path: ["dhcpRelayServerIps"], message: `only applies when dhcpHandling is '${RELAY}'` });
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

/** Live fields, normalised the same way and seen through the desired shape. */
function liveView(live: LiveRecord, desired: Record<string, unknown>): Record<string, unknown> {
  const normalised = normaliseFields({ ...live, groupPolicyId: live.groupPolicyId ?? null });
  return project(normalised, desired) as Record<string, unknown>;
}

const collection = "/appliance/vlans";
const createResource = (networkId: string) => `/networks/${encode(networkId)}${collection}`;
const itemResource = (networkId: string, vlanId: number) => `/networks/${encode(networkId)}${collection}/${vlanId}`;

export function createActions(p: VlanProps): Action[] {
  const body: Record<string, unknown> = { id: p.vlanId };
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
    return { issue: `VLANs are not enabled for this network (${p.networkId}); enable them in Dashboard under Security & SD-WAN > Addressing & VLANs` };
  }
  return { vlans: coll.vlans };
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
    const view = liveView(live, desired);
    const fields = fieldChanges(view, desired);
    if (!fields.length) return { change: change(p, ctx, [], "noop", view, []) };
    const body: Record<string, unknown> = {};
    for (const f of new Set(fields.map((c) => c.path.split(".")[0]))) body[f] = (p as Record<string, unknown>)[f] ?? null;
    if (body.dhcpHandling === RELAY && p.dhcpRelayServerIps) body.dhcpRelayServerIps = p.dhcpRelayServerIps;
    return { change: change(p, ctx, fields, "update", view, [{ resource: itemResource(p.networkId, p.vlanId), operation: "update", body }]) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const coll = ctx.live.vlans[p.networkId];
    const live = coll?.state === "ok" ? coll.vlans[String(p.vlanId)] : undefined;
    if (!live) return { change: change(p, ctx, [], "noop", null, []) };
    const view = liveView(live, normaliseDesired(p));
    return { change: change(p, ctx, [{ path: "vlanId", old: p.vlanId, new: null }], "delete", view, [{ resource: itemResource(p.networkId, p.vlanId), operation: "destroy" }]) };
  },

  phase(c) {
    if (c.op === "delete") return PHASE.vlanDestroy;
    return c.op === "create" ? PHASE.vlanCreate : PHASE.vlanUpdate;
  },
};

/**
 * A switch's layer 3 interface (SVI) and its DHCP settings
 * (/devices/{serial}/switch/routing/interfaces[/{interfaceId}[/dhcp]], SPEC142), known by its VLAN:
 * a switch routes a VLAN through one interface. The API numbers interfaces, and DHCP settings are
 * written on the interface's own path, so the DHCP of an interface created in this plan is sent in
 * a later batch, once the id is known (ARCHITECTURE §17). DHCP settings have no list endpoint:
 * they are read per interface, and only for interfaces whose `dhcp` the program manages.
 */
import { z } from "zod";
import { cidrContains, cidrsOverlap, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { Action } from "../dashboard/batches";
import { LiveRecord, LiveSnapshot } from "../live/snapshot";
import { assignedSegment } from "../plan/assigned";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, cidr, clean, encode, hostInSubnet, ipv4, mac, project, vlanNumber, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";
import { switchIssue } from "./switch-static-route";

export const MULTICAST_ROUTING = ["disabled", "enabled", "IGMP snooping querier"] as const;
export const DHCP_MODES = ["dhcpDisabled", "dhcpRelay", "dhcpServer"] as const;
export const DHCP_LEASE_TIMES = ["30 minutes", "1 hour", "4 hours", "12 hours", "1 day", "1 week"] as const;
export const DNS_OPTIONS = ["googlePublicDns", "openDns", "custom"] as const;

const ospf = z
  .object({
    area: z.string().regex(/^(disabled|\d+|\d+\.\d+\.\d+\.\d+)$/, { message: "must be 'disabled' or an OSPF area id" }).optional(),
    cost: z.number().int().min(1, { message: "must be 1-65535" }).max(65535, { message: "must be 1-65535" }).optional(),
    isPassiveEnabled: z.boolean().optional(),
  })
  .strict();

export const dhcpSchema = z
  .object({
    dhcpMode: z.enum(DHCP_MODES),
    dhcpRelayServerIps: z.array(ipv4).min(1).optional(),
    dhcpLeaseTime: z.enum(DHCP_LEASE_TIMES).optional(),
    dnsNameserversOption: z.enum(DNS_OPTIONS).optional(),
    dnsCustomNameservers: z.array(ipv4).optional(),
    bootOptionsEnabled: z.boolean().optional(),
    bootNextServer: ipv4.nullable().optional(),
    bootFileName: z.string().nullable().optional(),
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
    reservedIpRanges: z.array(z.object({ start: ipv4, end: ipv4, comment: z.string().optional() }).strict()).optional(),
    fixedIpAssignments: z.array(z.object({ name: z.string(), mac, ip: ipv4 }).strict()).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (d.dhcpMode === "dhcpRelay" && !d.dhcpRelayServerIps) issue("dhcpRelayServerIps", "is required when dhcpMode is 'dhcpRelay'");
    // The API returns relay servers only while relaying: set otherwise, they could never read back.
    if (d.dhcpRelayServerIps && d.dhcpMode !== "dhcpRelay") issue("dhcpRelayServerIps", "only applies when dhcpMode is 'dhcpRelay'");
    if (d.dnsNameserversOption === "custom" && !d.dnsCustomNameservers?.length) issue("dnsCustomNameservers", "is required when dnsNameserversOption is 'custom'");
  });

export const routingInterfaceSchema = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    vlanId: vlanNumber,
    // "max length 128 characters" (PYSDK)
    name: z.string().min(1, { message: "must not be empty" }).max(128, { message: "must be at most 128 characters" }),
    subnet: cidr,
    interfaceIp: ipv4,
    multicastRouting: z.enum(MULTICAST_ROUTING).optional(),
    defaultGateway: ipv4.optional(),
    ospfSettings: ospf.optional(),
    ospfV3: ospf.optional(),
    ipv6: z
      .object({ assignmentMode: z.enum(["eui-64", "static"]), prefix: z.string(), address: z.string().optional(), gateway: z.string().optional() })
      .strict()
      .superRefine((v, ctx) => {
        if (v.assignmentMode === "static" && v.address === undefined) ctx.addIssue({ code: "custom", path: ["address"], message: "is required when assignmentMode is 'static'" });
        if (v.assignmentMode === "eui-64" && v.address !== undefined) ctx.addIssue({ code: "custom", path: ["address"], message: "must not be given when assignmentMode is 'eui-64'" });
      })
      .optional(),
    /** The interface's DHCP settings, when the program manages them. */
    dhcp: dhcpSchema.optional(),
    /** Take over the interface of this VLAN that already exists (a Pulumi create otherwise refuses it). */
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: "custom", path, message });
    const c = parseCidr(p.subnet);
    if (!c?.aligned) return;
    if (parseIPv4(p.interfaceIp) !== null && !hostInSubnet(p.interfaceIp, p.subnet)) issue(["interfaceIp"], `${p.interfaceIp} must be a host address in the subnet ${p.subnet}`);
    p.dhcp?.reservedIpRanges?.forEach((r, i) => {
      if (!hostInSubnet(r.start, p.subnet) || !hostInSubnet(r.end, p.subnet)) issue(["dhcp", "reservedIpRanges", i], `${r.start}-${r.end} must be within the subnet ${p.subnet}`);
      else if (parseIPv4(r.start)! > parseIPv4(r.end)!) issue(["dhcp", "reservedIpRanges", i], `start ${r.start} is after end ${r.end}`);
    });
    p.dhcp?.fixedIpAssignments?.forEach((f, i) => {
      if (parseIPv4(f.ip) !== null && !hostInSubnet(f.ip, p.subnet)) issue(["dhcp", "fixedIpAssignments", i, "ip"], `${f.ip} must be within the subnet ${p.subnet}`);
    });
  });

export type RoutingInterfaceProps = z.infer<typeof routingInterfaceSchema>;

const KEY_FIELDS = ["serial", "vlanId", "adopt", "dhcp"];

const key = (p: { serial: string; vlanId: number }) => `switchRoutingInterface/${p.serial}/${p.vlanId}`;
const describe = (p: { serial: string; vlanId: number }) => `layer 3 interface VLAN ${p.vlanId} of switch ${p.serial}`;
const collection = (serial: string) => `/devices/${encode(serial)}/switch/routing/interfaces`;

export function liveInterface(p: { serial: string; vlanId: number }, live: LiveSnapshot): LiveRecord | undefined {
  return live.routingInterfaces?.[p.serial]?.find((i) => Number(i.vlanId) === Number(p.vlanId));
}

/** DHCP settings normalised for comparison: lists in a stable order, MACs in lower case, no empty comment. */
function normaliseDhcp(d: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...d };
  if (Array.isArray(out.dhcpOptions)) out.dhcpOptions = [...(out.dhcpOptions as Array<{ code: string }>)].sort((a, b) => Number(a.code) - Number(b.code));
  if (Array.isArray(out.reservedIpRanges)) {
    out.reservedIpRanges = (out.reservedIpRanges as Array<Record<string, unknown>>)
      .map((r) => clean({ start: r.start, end: r.end, comment: r.comment === "" || r.comment === null ? undefined : r.comment }))
      .sort((a, b) => (parseIPv4(String(a.start)) ?? 0) - (parseIPv4(String(b.start)) ?? 0));
  }
  if (Array.isArray(out.fixedIpAssignments)) {
    out.fixedIpAssignments = (out.fixedIpAssignments as Array<Record<string, unknown>>)
      .map((f) => ({ name: f.name, mac: String(f.mac).toLowerCase().replace(/-/g, ":"), ip: f.ip }))
      .sort((a, b) => (parseIPv4(String(a.ip)) ?? 0) - (parseIPv4(String(b.ip)) ?? 0));
  }
  return clean(out);
}

/** The desired fields compared: the interface's, and `dhcp` when managed. */
function desiredOf(p: RoutingInterfaceProps): Record<string, unknown> {
  const out = clean(without(p, KEY_FIELDS));
  if (p.dhcp) out.dhcp = normaliseDhcp(p.dhcp);
  return out;
}

/** The live interface (and its DHCP, when managed) through the desired shape. */
function liveViewOf(p: RoutingInterfaceProps, live: LiveRecord, snapshot: LiveSnapshot, desired: Record<string, unknown>): Record<string, unknown> {
  const { dhcp: wanted, ...fields } = desired;
  const view = project(live, fields) as Record<string, unknown>;
  if (wanted) {
    const dhcp = snapshot.interfaceDhcp?.[`${p.serial}/${String(live.interfaceId)}`];
    view.dhcp = dhcp ? project(normaliseDhcp(dhcp), wanted) : null;
  }
  return view;
}

/** The rules between a switch's interfaces once the plan applies (subnets, gateway, management IP). */
function switchIssues(p: RoutingInterfaceProps, ctx: PlanContext): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  const lanIp = ctx.live.devices?.[p.serial]?.lanIp;
  // "This cannot be the same as the switch's management IP" (SPEC142).
  if (lanIp && lanIp === p.interfaceIp) issues.push({ path: "interfaceIp", message: `${p.interfaceIp} is the management IP of switch ${p.serial}` });
  const declared = (ctx.declared?.("switchRoutingInterface") ?? []).filter((d) => d.props.serial === p.serial && Number(d.props.vlanId) !== Number(p.vlanId));
  const declaredVlans = new Set(declared.map((d) => Number(d.props.vlanId)));
  const others = [
    ...declared.map((d) => ({ what: `SwitchRoutingInterface '${d.name}' (VLAN ${d.props.vlanId}, ${d.props.subnet})`, subnet: String(d.props.subnet) })),
    ...(ctx.live.routingInterfaces?.[p.serial] ?? [])
      .filter((i) => Number(i.vlanId) !== Number(p.vlanId) && !declaredVlans.has(Number(i.vlanId)))
      .map((i) => ({ what: `the interface of VLAN ${String(i.vlanId)} (${String(i.subnet)}) on the switch`, subnet: String(i.subnet) })),
  ];
  const mine = parseCidr(p.subnet)!;
  const clash = others.find((o) => { const c = parseCidr(o.subnet); return !!c && cidrsOverlap(c, mine); });
  if (clash) issues.push({ path: "subnet", message: `${p.subnet} overlaps ${clash.what}` });
  if (p.defaultGateway !== undefined) {
    // "This IP address must exist in a subnet with a routed interface" (SPEC142).
    const gw = parseIPv4(p.defaultGateway)!;
    const subnets = [p.subnet, ...others.map((o) => o.subnet)];
    if (!subnets.some((s) => { const c = parseCidr(s); return !!c && cidrContains(c, gw); })) issues.push({ path: "defaultGateway", message: `${p.defaultGateway} is not in the subnet of a layer 3 interface of switch ${p.serial}` });
  } else if (!liveInterface(p, ctx.live) && !(ctx.live.routingInterfaces?.[p.serial] ?? []).some((i) => Number(i.vlanId) !== Number(p.vlanId))) {
    // "Required if this is the first IPv4 interface" (SPEC142): the first created is the lowest VLAN.
    const first = !declared.some((d) => Number(d.props.vlanId) < Number(p.vlanId));
    if (first) issues.push({ path: "defaultGateway", message: `is required: this is the first layer 3 interface of switch ${p.serial}` });
  }
  return issues;
}

function change(p: RoutingInterfaceProps, ctx: PlanContext, op: Change["op"], fields: Change["fields"], live: Record<string, unknown> | null, actions: Action[], id?: unknown): Change {
  const c: Change = { key: key(p), kind: "switchRoutingInterface", name: ctx.name, description: describe(p), op, fields, live, actions, dependsOn: [] };
  if (id !== undefined && id !== null) c.id = String(id);
  return c;
}

export const routingInterfaceKind: KindModule<RoutingInterfaceProps> = {
  kind: "switchRoutingInterface",
  label: "SwitchRoutingInterface",
  schema: routingInterfaceSchema,
  key,
  describe,
  outputs: { interfaceId: "string" },
  needs(p, n) {
    n.devices = true;
    n.interfaceSerials.add(p.serial);
    if (p.dhcp) {
      let vlans = n.interfaceDhcp.get(p.serial);
      if (!vlans) n.interfaceDhcp.set(p.serial, (vlans = new Set()));
      vlans.add(Number(p.vlanId));
    }
  },
  liveId(p, live) {
    const found = liveInterface(p, live);
    return found ? String(found.interfaceId) : undefined;
  },

  plan(p, ctx): KindPlan {
    const wrong = switchIssue(p.serial, ctx.live);
    if (wrong) return { issues: [{ path: "serial", message: wrong }] };
    const issues = switchIssues(p, ctx);
    if (issues.length) return { issues };
    const desired = desiredOf(p);
    const live = liveInterface(p, ctx.live);
    if (!live) {
      const body = { ...clean(without(p, KEY_FIELDS)), vlanId: p.vlanId };
      const actions: Action[] = [{ resource: collection(p.serial), operation: "create", body }];
      // The DHCP settings live on the new interface's path: its id comes from the create's batch.
      if (p.dhcp) actions.push({ resource: `${collection(p.serial)}/${assignedSegment(key(p))}/dhcp`, operation: "update", body: { ...p.dhcp } });
      const fields = Object.entries(desired).map(([path, v]) => ({ path, old: null, new: v }));
      return { change: change(p, ctx, "create", fields, null, actions) };
    }
    if (ctx.intent === "create" && !p.adopt) {
      return { issues: [{ path: "vlanId", message: `VLAN ${p.vlanId} already has a layer 3 interface on switch ${p.serial} (id ${String(live.interfaceId)}): set adopt: true to manage it` }] };
    }
    const id = String(live.interfaceId);
    const view = liveViewOf(p, live, ctx.live, desired);
    const fields = fieldChanges(view, desired);
    if (!fields.length) return { change: change(p, ctx, "noop", [], view, [], id) };
    const top = new Set(fields.map((f) => f.path.split(".")[0]));
    const actions: Action[] = [];
    const body: Record<string, unknown> = {};
    for (const f of top) if (f !== "dhcp") body[f] = (p as Record<string, unknown>)[f];
    if (Object.keys(body).length) actions.push({ resource: `${collection(p.serial)}/${encode(id)}`, operation: "update", body });
    if (top.has("dhcp")) {
      const dhcpBody: Record<string, unknown> = {};
      for (const f of new Set(fields.filter((x) => x.path.startsWith("dhcp.") || x.path === "dhcp").map((x) => x.path.split(".")[1] ?? ""))) {
        if (f) dhcpBody[f] = (p.dhcp as Record<string, unknown>)[f] ?? null;
      }
      // A mode change travels with what the mode needs.
      if (dhcpBody.dhcpMode === "dhcpRelay") dhcpBody.dhcpRelayServerIps = p.dhcp!.dhcpRelayServerIps;
      actions.push({ resource: `${collection(p.serial)}/${encode(id)}/dhcp`, operation: "update", body: Object.keys(dhcpBody).length ? dhcpBody : { ...p.dhcp } });
    }
    return { change: change(p, ctx, "update", fields, view, actions, id) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const live = liveInterface(p, ctx.live);
    if (!live) return { change: change(p, ctx, "noop", [], null, []) };
    const id = String(live.interfaceId);
    const view = project(live, clean(without(p, KEY_FIELDS))) as Record<string, unknown>;
    return { change: change(p, ctx, "delete", [{ path: "vlanId", old: p.vlanId, new: null }], view, [{ resource: `${collection(p.serial)}/${encode(id)}`, operation: "destroy" }], id) };
  },

  phase(c) {
    return c.op === "delete" ? PHASE.interfaceDestroy : PHASE.interfaceUpsert;
  },
};

/**
 * Appliance VLANs (/networks/{networkId}/appliance/vlans…), with the validation the Dashboard
 * applies on create and update (reference §3.1; each rule's source in docs/emulator.md).
 */
import { Cidr, broadcastOf, cidrContains, cidrsOverlap, formatCidr, formatIPv4, isHostOf, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { ApiError, badRequest, notFound } from "../errors";
import { DhcpOption, Network, ReservedIpRange, Vlan } from "../model";
import { Body, Rule, asInteger, checkField, checkFields, isIPv4, isMac, isPlainObject, oneOfMessage } from "../validate";
import { ExecContext, OpResult } from "./context";

export const DHCP_HANDLING = ["Run a DHCP server", "Relay DHCP to another server", "Do not respond to DHCP requests"] as const;
export const DHCP_LEASE_TIMES = ["30 minutes", "1 hour", "4 hours", "12 hours", "1 day", "1 week"] as const;
const DHCP_OPTION_TYPES = ["text", "ip", "hex", "integer"] as const;
const DNS_KEYWORDS = ["upstream_dns", "google_dns", "opendns"];

/** Fields accepted by POST. `id` and `name` are required. */
const CREATE_RULES: Record<string, Rule> = {
  name: { type: "string" },
  subnet: { type: "string" },
  applianceIp: { type: "string" },
  groupPolicyId: { type: "string", nullable: true },
  templateVlanType: { type: "string", oneOf: ["same", "unique"] },
  cidr: { type: "string" },
  mask: { type: "integer", min: 1, max: 32 },
  dhcpHandling: { type: "string", oneOf: DHCP_HANDLING },
  dhcpRelayServerIps: { type: "stringArray" },
  dhcpLeaseTime: { type: "string", oneOf: DHCP_LEASE_TIMES },
  dhcpBootOptionsEnabled: { type: "boolean" },
  dhcpBootNextServer: { type: "string", nullable: true },
  dhcpBootFilename: { type: "string", nullable: true },
  dhcpOptions: { type: "array" },
  mandatoryDhcp: { type: "object" },
  ipv6: { type: "object" },
  // 2025-26 additions (reference §3.1); stored as given.
  sgt: { type: "object" },
  vrf: { type: "object" },
  uplinks: { type: "array" },
};

/**
 * Update-only fields. POST ignores them (terraform-provider-meraki#41: reserved ranges and
 * DHCP details only apply through a PUT after the create), which is why clients follow a create
 * with an update in the same batch.
 */
const UPDATE_ONLY_RULES: Record<string, Rule> = {
  fixedIpAssignments: { type: "object" },
  reservedIpRanges: { type: "array" },
  dnsNameservers: { type: "string" },
  vpnNatSubnet: { type: "string" },
};

const UPDATE_RULES: Record<string, Rule> = { ...CREATE_RULES, ...UPDATE_ONLY_RULES };

export const VLANS_NOT_ENABLED = "VLANs are not enabled for this network";
export const VLAN_TAKEN = "Vlan has already been taken";

export function findNetwork(ctx: ExecContext, networkId: string): Network {
  const network = ctx.org.networks[networkId];
  if (!network) throw notFound();
  return network;
}

function vlansOf(ctx: ExecContext, networkId: string): Record<string, Vlan> {
  const network = findNetwork(ctx, networkId);
  if (!network.productTypes.includes("appliance") || !network.vlansEnabled) throw badRequest(VLANS_NOT_ENABLED);
  let vlans = ctx.org.vlans[networkId];
  if (!vlans) {
    vlans = {};
    ctx.journal.set(ctx.org.vlans, networkId, vlans);
  }
  return vlans;
}

function parseVlanId(raw: unknown, field: string): number {
  const id = asInteger(raw);
  if (id === undefined || id === null) throw badRequest(`'${field}' must be an integer`);
  if (id < 1 || id > 4094) throw badRequest(`'${field}' must be between 1 and 4094`);
  return id;
}

/** Checks the nested structures; messages name the field and the element. */
function checkStructures(body: Body): string[] {
  const problems: string[] = [];
  if (Array.isArray(body.dhcpRelayServerIps)) {
    for (const ip of body.dhcpRelayServerIps) {
      if (!isIPv4(ip)) problems.push(`'dhcpRelayServerIps' must contain IPv4 addresses only ('${String(ip)}')`);
    }
  }
  if (Array.isArray(body.dhcpOptions)) {
    body.dhcpOptions.forEach((opt: unknown, i: number) => {
      if (!isPlainObject(opt)) return problems.push(`'dhcpOptions[${i}]' must be an object`);
      for (const key of ["code", "type", "value"]) {
        if (opt[key] === undefined) problems.push(`'dhcpOptions[${i}].${key}' is required`);
      }
      if (opt.code !== undefined) {
        const code = typeof opt.code === "string" ? asInteger(opt.code) : undefined;
        if (code === undefined || code === null || code < 2 || code > 254) {
          problems.push(`'dhcpOptions[${i}].code' must be a string holding an integer between 2 and 254`);
        }
      }
      if (opt.type !== undefined && !DHCP_OPTION_TYPES.includes(opt.type as never)) {
        problems.push(oneOfMessage(`dhcpOptions[${i}].type`, DHCP_OPTION_TYPES));
      }
      if (opt.value !== undefined && typeof opt.value !== "string") problems.push(`'dhcpOptions[${i}].value' must be a string`);
      return undefined;
    });
  }
  if (Array.isArray(body.reservedIpRanges)) {
    body.reservedIpRanges.forEach((r: unknown, i: number) => {
      if (!isPlainObject(r)) return problems.push(`'reservedIpRanges[${i}]' must be an object`);
      for (const key of ["start", "end", "comment"]) {
        if (r[key] === undefined) problems.push(`'reservedIpRanges[${i}].${key}' is required`);
      }
      for (const key of ["start", "end"]) {
        if (r[key] !== undefined && !isIPv4(r[key])) problems.push(`'reservedIpRanges[${i}].${key}' must be an IPv4 address`);
      }
      if (r.comment !== undefined && typeof r.comment !== "string") problems.push(`'reservedIpRanges[${i}].comment' must be a string`);
      return undefined;
    });
  }
  if (isPlainObject(body.fixedIpAssignments)) {
    for (const [mac, a] of Object.entries(body.fixedIpAssignments)) {
      if (!isMac(mac)) problems.push(`'fixedIpAssignments' key '${mac}' must be a MAC address`);
      if (!isPlainObject(a) || !isIPv4(a.ip)) problems.push(`'fixedIpAssignments.${mac}.ip' must be an IPv4 address`);
      else if (a.name !== undefined && typeof a.name !== "string") problems.push(`'fixedIpAssignments.${mac}.name' must be a string`);
    }
  }
  if (typeof body.dnsNameservers === "string" && !DNS_KEYWORDS.includes(body.dnsNameservers)) {
    const entries = body.dnsNameservers.split("\n").map((s) => s.trim());
    const bad = entries.find((e) => !isIPv4(e) && !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i.test(e));
    if (bad !== undefined) {
      problems.push(`'dnsNameservers' must be 'upstream_dns', 'google_dns', 'opendns' or newline-separated IP addresses or domain names ('${bad}')`);
    }
  }
  if (isPlainObject(body.mandatoryDhcp)) {
    const m = checkField("mandatoryDhcp.enabled", body.mandatoryDhcp.enabled, { type: "boolean" });
    if (m) problems.push(m);
  }
  if (isPlainObject(body.ipv6)) problems.push(...checkIpv6(body.ipv6));
  if (typeof body.vpnNatSubnet === "string" && !parseCidr(body.vpnNatSubnet)) {
    problems.push(`'vpnNatSubnet' must be a subnet in CIDR notation`);
  }
  return problems;
}

function checkIpv6(ipv6: Body): string[] {
  const problems: string[] = [];
  if (ipv6.enabled !== undefined && typeof ipv6.enabled !== "boolean") problems.push(`'ipv6.enabled' must be a boolean`);
  if (ipv6.prefixAssignments === undefined) return problems;
  if (!Array.isArray(ipv6.prefixAssignments)) return [...problems, `'ipv6.prefixAssignments' must be an array`];
  for (const p of ipv6.prefixAssignments) {
    if (!isPlainObject(p)) {
      problems.push(`'ipv6.prefixAssignments' entries must be objects`);
      continue;
    }
    // The API repeats this one per assignment (terraform-provider-meraki#121).
    if (typeof p.disabled !== "boolean") problems.push("Please specify if prefix assignment should be disabled");
    if (p.autonomous !== undefined && typeof p.autonomous !== "boolean") problems.push(`'ipv6.prefixAssignments.autonomous' must be a boolean`);
    for (const k of ["staticPrefix", "staticApplianceIp6"]) {
      if (p[k] !== undefined && typeof p[k] !== "string") problems.push(`'ipv6.prefixAssignments.${k}' must be a string`);
    }
    if (p.origin !== undefined) {
      const type = isPlainObject(p.origin) ? p.origin.type : undefined;
      if (type !== "independent" && type !== "internet") problems.push(oneOfMessage("ipv6.prefixAssignments.origin.type", ["independent", "internet"]));
    }
  }
  return problems;
}

/** Subnet, appliance IP, DHCP ranges and overlap with the network's other VLANs. */
function checkAddressing(vlan: Vlan, others: Vlan[]): string[] {
  const subnet = parseCidr(vlan.subnet);
  if (!subnet) return [`'subnet' must be a subnet in CIDR notation, such as 192.168.1.0/24`];
  if (!subnet.aligned) return [`'subnet' ${vlan.subnet} is not a network address (did you mean ${formatCidr(subnet)}?)`];
  const problems: string[] = [];
  const ip = parseIPv4(vlan.applianceIp);
  if (ip === null) problems.push(`'applianceIp' must be an IPv4 address`);
  else if (!isHostOf(subnet, ip)) problems.push(`'applianceIp' ${vlan.applianceIp} must be a host address in the subnet ${vlan.subnet}`);
  for (const other of others) {
    const o = parseCidr(other.subnet);
    if (o && cidrsOverlap(subnet, o)) {
      problems.push(`Subnet ${vlan.subnet} overlaps with VLAN ${other.id} (${other.subnet})`);
    }
  }
  problems.push(...checkInSubnet(vlan, subnet));
  return problems;
}

function checkInSubnet(vlan: Vlan, subnet: Cidr): string[] {
  const problems: string[] = [];
  const inside = (text: string) => {
    const n = parseIPv4(text);
    return n !== null && cidrContains(subnet, n);
  };
  vlan.reservedIpRanges.forEach((r, i) => {
    if (!inside(r.start) || !inside(r.end)) problems.push(`'reservedIpRanges[${i}]' ${r.start}-${r.end} must be within the subnet ${vlan.subnet}`);
    else if (parseIPv4(r.start)! > parseIPv4(r.end)!) problems.push(`'reservedIpRanges[${i}]' start ${r.start} is after end ${r.end}`);
  });
  for (const [mac, a] of Object.entries(vlan.fixedIpAssignments)) {
    if (!inside(a.ip)) problems.push(`'fixedIpAssignments.${mac}.ip' ${a.ip} must be within the subnet ${vlan.subnet}`);
  }
  return problems;
}

function checkDhcpHandling(vlan: Vlan): string[] {
  if (vlan.dhcpHandling === "Relay DHCP to another server" && !(vlan.dhcpRelayServerIps && vlan.dhcpRelayServerIps.length)) {
    return ["'dhcpRelayServerIps' must be given when relaying DHCP to another server"];
  }
  return [];
}

/** Applies the writable fields present in `body` to a copy of `vlan`. */
function merge(vlan: Vlan, body: Body): Vlan {
  const next: Vlan = { ...vlan };
  const set = (key: keyof Vlan, value: unknown) => {
    if (value !== undefined) (next as unknown as Body)[key] = value;
  };
  set("name", body.name);
  set("subnet", body.subnet);
  set("applianceIp", body.applianceIp);
  if (body.groupPolicyId !== undefined) {
    if (body.groupPolicyId === null) delete next.groupPolicyId;
    else next.groupPolicyId = body.groupPolicyId as string;
  }
  set("templateVlanType", body.templateVlanType);
  set("cidr", body.cidr);
  if (body.mask !== undefined) next.mask = asInteger(body.mask) as number;
  set("dhcpHandling", body.dhcpHandling);
  set("dhcpRelayServerIps", body.dhcpRelayServerIps);
  set("dhcpLeaseTime", body.dhcpLeaseTime);
  set("dhcpBootOptionsEnabled", body.dhcpBootOptionsEnabled);
  set("dhcpBootNextServer", body.dhcpBootNextServer);
  set("dhcpBootFilename", body.dhcpBootFilename);
  if (Array.isArray(body.dhcpOptions)) next.dhcpOptions = (body.dhcpOptions as DhcpOption[]).map((o) => ({ code: o.code, type: o.type, value: o.value }));
  if (isPlainObject(body.mandatoryDhcp)) next.mandatoryDhcp = { enabled: body.mandatoryDhcp.enabled as boolean };
  if (isPlainObject(body.ipv6)) next.ipv6 = { ...next.ipv6, ...(body.ipv6 as Vlan["ipv6"]) };
  if (isPlainObject(body.fixedIpAssignments)) {
    next.fixedIpAssignments = Object.fromEntries(
      Object.entries(body.fixedIpAssignments as Vlan["fixedIpAssignments"]).map(([mac, a]) => [mac.toLowerCase(), { ip: a.ip, name: a.name ?? "" }]),
    );
  }
  if (Array.isArray(body.reservedIpRanges)) {
    next.reservedIpRanges = (body.reservedIpRanges as ReservedIpRange[]).map((r) => ({ start: r.start, end: r.end, comment: r.comment }));
  }
  set("dnsNameservers", body.dnsNameservers);
  set("vpnNatSubnet", body.vpnNatSubnet);
  set("sgt", body.sgt);
  set("vrf", body.vrf);
  set("uplinks", body.uplinks);
  return next;
}

/**
 * The VLAN 1 that enabling VLANs leaves (TFP#86). Its addressing is the emulator's choice: the
 * MX's factory LAN, 192.168.128.0/24 (on a template-bound network: a "same" template VLAN).
 */
export function defaultVlan(network: Pick<Network, "isBoundToConfigTemplate">, id: number, interfaceId: string): Vlan {
  return {
    id,
    interfaceId,
    name: "Default",
    subnet: "192.168.128.0/24",
    applianceIp: "192.168.128.1",
    ...(network.isBoundToConfigTemplate ? { templateVlanType: "same", cidr: "192.168.128.0/24", mask: 24 } : {}),
    fixedIpAssignments: {},
    reservedIpRanges: [],
    dnsNameservers: "upstream_dns",
    dhcpHandling: "Run a DHCP server",
    dhcpLeaseTime: "1 day",
    dhcpBootOptionsEnabled: false,
    dhcpBootNextServer: null,
    dhcpBootFilename: null,
    dhcpOptions: [],
    mandatoryDhcp: { enabled: false },
    ipv6: { enabled: false },
  };
}

const TEMPLATE_FIELDS = ["templateVlanType", "cidr", "mask"];
const ADDRESS_FIELDS = ["subnet", "applianceIp"];

/**
 * `cidr`, `mask` and `templateVlanType` are "Applicable only for template network" (SPEC142); on
 * such a network the subnet is picked from `cidr`, so `subnet` and `applianceIp` are not taken.
 */
function checkTemplateFields(network: Network, body: Body): string[] {
  if (network.isBoundToConfigTemplate) {
    return ADDRESS_FIELDS.filter((f) => body[f] !== undefined).map((f) => `'${f}' cannot be set on a network bound to a configuration template (the subnet comes from 'cidr' and 'mask')`);
  }
  return TEMPLATE_FIELDS.filter((f) => body[f] !== undefined).map((f) => `'${f}' only applies to networks bound to a configuration template`);
}

/**
 * A template VLAN's subnet on this network: "same" uses `cidr` itself on every bound network;
 * "unique" takes a /`mask` block of the `cidr` pool ("Each network bound to the template will
 * automatically pick a subnet from this pool", SPEC142): the emulator picks the first block no
 * other VLAN of the network overlaps. The appliance takes the first host address.
 */
function placeTemplateVlan(vlan: Vlan, others: Vlan[]): string[] {
  const pool = vlan.cidr === undefined ? null : parseCidr(vlan.cidr);
  if (!pool) return [`'cidr' must be a subnet in CIDR notation, such as 192.168.1.0/24`];
  if (!pool.aligned) return [`'cidr' ${vlan.cidr} is not a network address (did you mean ${formatCidr(pool)}?)`];
  const type = vlan.templateVlanType ?? "same";
  vlan.templateVlanType = type;
  let subnet: Cidr | undefined = pool;
  if (type === "unique") {
    if (vlan.mask === undefined) return ["'mask' is required with templateVlanType 'unique'"];
    if (vlan.mask < pool.prefix) return [`'mask' must be at least ${pool.prefix} (the size of 'cidr' ${vlan.cidr})`];
    const size = 2 ** (32 - vlan.mask);
    const taken = others.map((o) => parseCidr(o.subnet)).filter((c): c is Cidr => !!c);
    subnet = undefined;
    for (let n = pool.network; n <= broadcastOf(pool); ) {
      const block = { network: n, prefix: vlan.mask, aligned: true };
      const clash = taken.find((t) => cidrsOverlap(t, block));
      if (!clash) {
        subnet = block;
        break;
      }
      // Skip past the clashing subnet, to the next block boundary.
      const after = broadcastOf(clash) + 1;
      n = Math.max(n + size, Math.ceil(after / size) * size);
    }
    if (!subnet) return [`'cidr' ${vlan.cidr} has no free /${vlan.mask} subnet left on this network`];
  }
  vlan.subnet = formatCidr(subnet);
  vlan.applianceIp = formatIPv4(subnet.prefix >= 31 ? subnet.network : subnet.network + 1);
  return [];
}

function fail(problems: string[]): void {
  if (problems.length) throw new ApiError(400, problems, "validation");
}

/**
 * POST /networks/{networkId}/appliance/vlans. Only `id` and `name` are required by the spec
 * (v1 made `subnet` and `applianceIp` optional for template networks); a network that is not bound
 * to a template needs them, as v0 did, and a bound one needs `cidr` instead.
 */
export function createVlan(ctx: ExecContext, networkId: string, body: Body, resourceBase: string): OpResult {
  const network = findNetwork(ctx, networkId);
  const vlans = vlansOf(ctx, networkId);
  const problems: string[] = [];
  const required = network.isBoundToConfigTemplate ? ["id", "name", "cidr"] : ["id", "name", "subnet", "applianceIp"];
  for (const key of required) if (body[key] === undefined) problems.push(`'${key}' is required`);
  fail(problems);
  const id = parseVlanId(body.id, "id");
  fail([...checkFields(body, CREATE_RULES), ...checkStructures(body), ...checkTemplateFields(network, body)]);
  if (vlans[String(id)]) throw badRequest(VLAN_TAKEN);
  const vlan = merge({ ...defaultVlan({}, id, ctx.newId()), name: "" }, pickCreate(body));
  const others = Object.values(vlans);
  if (network.isBoundToConfigTemplate) fail(placeTemplateVlan(vlan, others));
  fail([...checkAddressing(vlan, others), ...checkDhcpHandling(vlan)]);
  ctx.journal.set(vlans, String(id), vlan);
  return { created: { id: String(id), uri: `${resourceBase.replace(/\/+$/, "")}/${id}` } };
}

function pickCreate(body: Body): Body {
  const out: Body = {};
  for (const key of Object.keys(CREATE_RULES)) if (body[key] !== undefined) out[key] = body[key];
  return out;
}

/** PUT /networks/{networkId}/appliance/vlans/{vlanId}. `id` in the body is ignored (it is the key). */
export function updateVlan(ctx: ExecContext, networkId: string, vlanIdRaw: string, body: Body): OpResult {
  const network = findNetwork(ctx, networkId);
  const vlans = vlansOf(ctx, networkId);
  const id = parseVlanId(vlanIdRaw, "vlanId");
  const current = vlans[String(id)];
  if (!current) throw notFound(`VLAN ${id} not found`);
  fail([...checkFields(body, UPDATE_RULES), ...checkStructures(body), ...checkTemplateFields(network, body)]);
  const next = merge(current, body);
  if (next.dhcpHandling !== "Relay DHCP to another server") delete next.dhcpRelayServerIps;
  const others = Object.values(vlans).filter((v) => v.id !== id);
  if (network.isBoundToConfigTemplate && TEMPLATE_FIELDS.some((f) => body[f] !== undefined)) fail(placeTemplateVlan(next, others));
  fail([...checkAddressing(next, others), ...checkDhcpHandling(next)]);
  ctx.journal.set(vlans, String(id), next);
  return {};
}

export function destroyVlan(ctx: ExecContext, networkId: string, vlanIdRaw: string): OpResult {
  const vlans = vlansOf(ctx, networkId);
  const id = parseVlanId(vlanIdRaw, "vlanId");
  if (!vlans[String(id)]) throw notFound(`VLAN ${id} not found`);
  ctx.journal.remove(vlans, String(id));
  return {};
}

/**
 * PUT /networks/{networkId}/appliance/vlans/settings. Enabling VLANs leaves VLAN 1 (TFP#86) when
 * the network has none; disabling puts the MX back on a single LAN and removes every VLAN (the
 * emulator's reading of the Dashboard's "single LAN" mode; docs/emulator.md).
 */
export function updateVlanSettings(ctx: ExecContext, networkId: string, body: Body): OpResult {
  const network = findNetwork(ctx, networkId);
  if (!network.productTypes.includes("appliance")) throw badRequest("This network does not have a security appliance");
  fail(checkFields(body, { vlansEnabled: { type: "boolean" } }));
  if (body.vlansEnabled === undefined) return {};
  const enabled = body.vlansEnabled as boolean;
  if (enabled === network.vlansEnabled) return {};
  ctx.journal.setField(network, "vlansEnabled", enabled);
  const vlans: Record<string, Vlan> = {};
  if (enabled) vlans["1"] = defaultVlan(network, 1, ctx.newId());
  ctx.journal.set(ctx.org.vlans, networkId, vlans);
  return {};
}

/** The fields of SPEC142's getNetworkApplianceVlan, in its order, then the newer sgt and vrf. */
const RENDERED: Array<keyof Vlan> = [
  "id", "interfaceId", "name", "subnet", "applianceIp", "groupPolicyId", "templateVlanType", "cidr", "mask", "dhcpRelayServerIps",
  "dhcpHandling", "dhcpLeaseTime", "dhcpBootOptionsEnabled", "dhcpBootNextServer", "dhcpBootFilename", "fixedIpAssignments",
  "reservedIpRanges", "dnsNameservers", "dhcpOptions", "vpnNatSubnet", "mandatoryDhcp", "ipv6", "sgt", "vrf",
];

/**
 * A VLAN as GET returns it, shaped like the spec's response: no `networkId`, no `uplinks` (absent
 * from the cisco.meraki collection's networks_appliance_vlans_info sample), no `disabled` in prefix
 * assignments (not in the GET schema; TFP#121), and `dhcpRelayServerIps` only while relaying
 * (ansible-meraki#434).
 */
export function renderVlan(vlan: Vlan): Body {
  const out: Body = {};
  for (const k of RENDERED) if (vlan[k] !== undefined) out[k] = vlan[k];
  if (vlan.dhcpHandling !== "Relay DHCP to another server") delete out.dhcpRelayServerIps;
  if (vlan.ipv6.prefixAssignments) {
    out.ipv6 = { ...vlan.ipv6, prefixAssignments: vlan.ipv6.prefixAssignments.map(({ disabled: _hidden, ...rest }) => rest) };
  }
  return out;
}

export function listVlans(ctx: ExecContext, networkId: string): Body[] {
  return Object.values(vlansOf(ctx, networkId))
    .sort((a, b) => a.id - b.id)
    .map(renderVlan);
}

export function getVlan(ctx: ExecContext, networkId: string, vlanIdRaw: string): Body {
  const vlans = vlansOf(ctx, networkId);
  const id = asInteger(vlanIdRaw);
  const vlan = id === undefined || id === null ? undefined : vlans[String(id)];
  if (!vlan) throw notFound(`VLAN ${vlanIdRaw} not found`);
  return renderVlan(vlan);
}

export function getVlanSettings(ctx: ExecContext, networkId: string): Body {
  const network = findNetwork(ctx, networkId);
  return { vlansEnabled: network.vlansEnabled };
}

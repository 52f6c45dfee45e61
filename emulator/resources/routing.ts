/**
 * A switch's layer 3 routing (SPEC142): its interfaces (SVIs) with their DHCP settings
 * (/devices/{serial}/switch/routing/interfaces[/{interfaceId}[/dhcp]]) and its static routes
 * (/devices/{serial}/switch/routing/staticRoutes[/{staticRouteId}]). Interfaces of a switch have
 * distinct VLANs and subnets that do not overlap; a static route's next hop must be reachable
 * through one of them, so an interface that a route needs cannot go away. Each rule's source is
 * in docs/emulator.md.
 */
import { INTERFACE_DHCP_DEFAULTS, OSPF_DEFAULTS } from "../../lib/campus-defaults";
import { Cidr, cidrContains, cidrsOverlap, isHostOf, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { ApiError, notFound } from "../errors";
import { InterfaceDhcp, OrgState, OspfSettings, RoutingInterface, StaticRoute } from "../model";
import { Body, Rule, asInteger, checkField, checkFields, isIPv4, isMac, isPlainObject, oneOfMessage } from "../validate";
import { inIdOrder, readCollection, writableCollection } from "./collections";
import { ExecContext, OpResult } from "./context";
import { findSwitch } from "./switch-ports";

export const MULTICAST_ROUTING = ["IGMP snooping querier", "disabled", "enabled"] as const;
export const IPV6_MODES = ["eui-64", "static"] as const;
export const DHCP_MODES = ["dhcpDisabled", "dhcpRelay", "dhcpServer"] as const;
export const DHCP_LEASE_TIMES = ["1 day", "1 hour", "1 week", "12 hours", "30 minutes", "4 hours"] as const;
export const DNS_OPTIONS = ["custom", "googlePublicDns", "openDns"] as const;
const DHCP_OPTION_TYPES = ["hex", "integer", "ip", "text"] as const;

const fail = (problems: string[]) => {
  if (problems.length) throw new ApiError(400, problems, "validation");
};

// ---- interfaces ---------------------------------------------------------------------------------

const INTERFACE_RULES: Record<string, Rule> = {
  // "A friendly name or description for the interface or VLAN (max length 128 characters)" (PYSDK)
  name: { type: "string", maxLength: 128 },
  subnet: { type: "string" },
  interfaceIp: { type: "string" },
  multicastRouting: { type: "string", oneOf: MULTICAST_ROUTING },
  vlanId: { type: "integer", min: 1, max: 4094 },
  defaultGateway: { type: "string", nullable: true },
  ospfSettings: { type: "object" },
  ospfV3: { type: "object" },
  ipv6: { type: "object" },
};

/** What creating an interface requires: the VLAN, its subnet and the switch's address on it (PYSDK: name). */
export const INTERFACE_REQUIRED = ["name", "subnet", "interfaceIp", "vlanId"];

function checkOspf(field: string, value: unknown): string[] {
  if (!isPlainObject(value)) return [];
  const problems: string[] = [];
  // "Can be either 'disabled' or the identifier of an existing OSPF area": the emulator has no
  // OSPF settings, so any area id (digits or a dotted quad) counts as existing (ours).
  if (value.area !== undefined && (typeof value.area !== "string" || !(value.area === "disabled" || /^\d+$/.test(value.area) || isIPv4(value.area)))) {
    problems.push(`'${field}.area' must be 'disabled' or an OSPF area id`);
  }
  const cost = value.cost === undefined ? undefined : checkField(`${field}.cost`, value.cost, { type: "integer", min: 1, max: 65535 });
  if (cost) problems.push(cost);
  if (value.isPassiveEnabled !== undefined && typeof value.isPassiveEnabled !== "boolean") problems.push(`'${field}.isPassiveEnabled' must be a boolean`);
  return problems;
}

function checkInterfaceBody(body: Body): string[] {
  const problems = [...checkFields(body, INTERFACE_RULES), ...checkOspf("ospfSettings", body.ospfSettings), ...checkOspf("ospfV3", body.ospfV3)];
  if (typeof body.subnet === "string") {
    const c = parseCidr(body.subnet);
    if (!c) problems.push("'subnet' must be in CIDR notation (ex. 10.1.1.0/24)");
    else if (!c.aligned) problems.push(`'subnet' ${body.subnet} is not a network address`);
  }
  for (const k of ["interfaceIp", "defaultGateway"]) if (typeof body[k] === "string" && !isIPv4(body[k])) problems.push(`'${k}' must be an IPv4 address`);
  if (isPlainObject(body.ipv6)) {
    const v = body.ipv6;
    if (v.assignmentMode !== undefined && !IPV6_MODES.includes(v.assignmentMode as never)) problems.push(oneOfMessage("ipv6.assignmentMode", IPV6_MODES));
    // "Required if IPv6 object is included" (SPEC142).
    if (v.prefix === undefined) problems.push("'ipv6.prefix' is required");
    // "Required if assignmentMode is 'static'. Must not be included if assignmentMode is 'eui-64'."
    if (v.assignmentMode === "static" && v.address === undefined) problems.push("'ipv6.address' is required when 'ipv6.assignmentMode' is 'static'");
    if (v.assignmentMode === "eui-64" && v.address !== undefined) problems.push("'ipv6.address' must not be included when 'ipv6.assignmentMode' is 'eui-64'");
    for (const k of ["prefix", "address", "gateway"]) if (v[k] !== undefined && typeof v[k] !== "string") problems.push(`'ipv6.${k}' must be a string`);
  }
  return problems;
}

const cidrOf = (i: { subnet: string }) => parseCidr(i.subnet) as Cidr;
const describe = (i: RoutingInterface) => `interface ${i.interfaceId} (VLAN ${i.vlanId}, ${i.subnet})`;

/** The rules between a switch's interfaces, once `next` is in place of `replacing` (or added). */
function interfaceProblems(org: OrgState, serial: string, next: RoutingInterface, replacing?: string): string[] {
  const problems: string[] = [];
  const others = Object.values(readCollection(org, "routingInterfaces", serial)).filter((i) => i.interfaceId !== replacing);
  const mine = cidrOf(next);
  const ip = parseIPv4(next.interfaceIp)!;
  if (!isHostOf(mine, ip)) problems.push(`'interfaceIp' ${next.interfaceIp} must be a host address in the subnet ${next.subnet}`);
  // "This cannot be the same as the switch's management IP" (SPEC142).
  if (next.interfaceIp === org.devices[serial]?.lanIp) problems.push(`'interfaceIp' ${next.interfaceIp} is the switch's management IP`);
  const sameVlan = others.find((o) => o.vlanId === next.vlanId);
  if (sameVlan) problems.push(`VLAN ${next.vlanId} already has a layer 3 interface on this switch (${describe(sameVlan)})`);
  const overlap = others.find((o) => cidrsOverlap(cidrOf(o), mine));
  if (overlap) problems.push(`'subnet' ${next.subnet} overlaps ${describe(overlap)}`);
  if (next.defaultGateway !== null) {
    // "This IP address must exist in a subnet with a routed interface" (SPEC142).
    const gw = parseIPv4(next.defaultGateway)!;
    if (![next, ...others].some((i) => cidrContains(cidrOf(i), gw))) problems.push(`'defaultGateway' ${next.defaultGateway} is not in the subnet of a layer 3 interface of this switch`);
  } else if (!others.length) {
    // "Required if this is the first IPv4 interface" (SPEC142).
    problems.push("'defaultGateway' is required for the first layer 3 interface of a switch");
  }
  if (next.ipv6 && next.ipv6.gateway === undefined && !others.some((o) => o.ipv6)) {
    // "Required if prefix is defined and this is the first interface with IPv6 configured for the switch."
    problems.push("'ipv6.gateway' is required for the first interface with IPv6 on a switch");
  }
  return problems;
}

/** Static routes whose next hop no interface reaches once the switch has `interfaces`. */
function unreachableRoutes(org: OrgState, serial: string, interfaces: RoutingInterface[]): StaticRoute[] {
  return Object.values(readCollection(org, "staticRoutes", serial)).filter((r) => !reachable(r.nextHopIp, interfaces));
}

function reachable(ip: string, interfaces: RoutingInterface[]): boolean {
  const n = parseIPv4(ip);
  return n !== null && interfaces.some((i) => cidrContains(cidrOf(i), n));
}

const ospfDefault = (): OspfSettings => ({ ...OSPF_DEFAULTS });

/** A new interface's DHCP settings (our choice: DHCP off, the other values as the Dashboard preselects them). */
function defaultDhcp(): InterfaceDhcp {
  return JSON.parse(JSON.stringify(INTERFACE_DHCP_DEFAULTS));
}

function mergeInterface(current: RoutingInterface, body: Body): RoutingInterface {
  const next: RoutingInterface = JSON.parse(JSON.stringify(current));
  for (const k of ["name", "subnet", "interfaceIp", "multicastRouting", "defaultGateway"] as const) if (body[k] !== undefined) (next as unknown as Body)[k] = body[k];
  if (body.vlanId !== undefined) next.vlanId = asInteger(body.vlanId) as number;
  for (const k of ["ospfSettings", "ospfV3"] as const) {
    const v = body[k];
    if (!isPlainObject(v)) continue;
    if (v.area !== undefined) next[k].area = v.area as string;
    if (v.cost !== undefined) next[k].cost = asInteger(v.cost) as number;
    if (v.isPassiveEnabled !== undefined) next[k].isPassiveEnabled = v.isPassiveEnabled as boolean;
  }
  if (isPlainObject(body.ipv6)) {
    const v = body.ipv6;
    next.ipv6 = { assignmentMode: (v.assignmentMode as string) ?? "static", prefix: v.prefix as string };
    if (v.address !== undefined) next.ipv6.address = v.address as string;
    if (v.gateway !== undefined) next.ipv6.gateway = v.gateway as string;
  }
  return next;
}

export function createInterface(ctx: ExecContext, serial: string, body: Body, resourceBase: string): OpResult {
  findSwitch(ctx, serial);
  fail(INTERFACE_REQUIRED.filter((k) => body[k] === undefined).map((k) => `'${k}' is required`));
  fail(checkInterfaceBody(body));
  const id = ctx.newId();
  const blank: RoutingInterface = {
    interfaceId: id, name: "", subnet: "", interfaceIp: "", multicastRouting: "disabled", vlanId: 1, defaultGateway: null,
    ospfSettings: ospfDefault(), ospfV3: ospfDefault(), dhcp: defaultDhcp(),
  };
  const next = mergeInterface(blank, body);
  fail(interfaceProblems(ctx.org, serial, next));
  ctx.journal.set(writableCollection(ctx, "routingInterfaces", serial), id, next);
  return { created: { id, uri: `${resourceBase.replace(/\/+$/, "")}/${id}` } };
}

function findInterface(ctx: ExecContext, serial: string, id: string): RoutingInterface {
  findSwitch(ctx, serial);
  const found = readCollection(ctx.org, "routingInterfaces", serial)[id];
  if (!found) throw notFound(`Layer 3 interface ${id} not found`);
  return found;
}

/** Fails with the routes a change of the switch's interfaces would cut off. */
function keepRoutesReachable(org: OrgState, serial: string, interfaces: RoutingInterface[], what: string): void {
  const cut = unreachableRoutes(org, serial, interfaces);
  if (cut.length) {
    fail([`${what} would leave static route${cut.length === 1 ? "" : "s"} ${cut.map((r) => `${r.staticRouteId} (${r.subnet} via ${r.nextHopIp})`).join(", ")} without a layer 3 interface to reach the next hop`]);
  }
}

export function updateInterface(ctx: ExecContext, serial: string, id: string, body: Body): OpResult {
  const current = findInterface(ctx, serial, id);
  fail(checkInterfaceBody(body));
  const next = mergeInterface(current, body);
  fail(interfaceProblems(ctx.org, serial, next, id));
  const all = writableCollection(ctx, "routingInterfaces", serial);
  keepRoutesReachable(ctx.org, serial, [...Object.values(all).filter((i) => i.interfaceId !== id), next], `Changing interface ${id}`);
  // Its DHCP ranges and fixed assignments must stay inside a changed subnet.
  if (next.subnet !== current.subnet) fail(dhcpProblems(next.dhcp, next.subnet));
  ctx.journal.set(all, id, next);
  return {};
}

export function destroyInterface(ctx: ExecContext, serial: string, id: string): OpResult {
  findInterface(ctx, serial, id);
  const all = writableCollection(ctx, "routingInterfaces", serial);
  keepRoutesReachable(ctx.org, serial, Object.values(all).filter((i) => i.interfaceId !== id), `Deleting interface ${id}`);
  ctx.journal.remove(all, id);
  return {};
}

/** An interface as GET returns it (SPEC142's fields and order); ipv6 only once configured. */
export function renderInterface(i: RoutingInterface): Body {
  const out: Body = {
    interfaceId: i.interfaceId, name: i.name, subnet: i.subnet, interfaceIp: i.interfaceIp, multicastRouting: i.multicastRouting,
    vlanId: i.vlanId, defaultGateway: i.defaultGateway, ospfSettings: { ...i.ospfSettings }, ospfV3: { ...i.ospfV3 },
  };
  if (i.ipv6) out.ipv6 = { ...i.ipv6 };
  return out;
}

export function listInterfaces(ctx: ExecContext, serial: string): Body[] {
  findSwitch(ctx, serial);
  return inIdOrder(readCollection(ctx.org, "routingInterfaces", serial)).map(renderInterface);
}

export function getInterface(ctx: ExecContext, serial: string, id: string): Body {
  return renderInterface(findInterface(ctx, serial, id));
}

// ---- interface DHCP ------------------------------------------------------------------------------

const DHCP_RULES: Record<string, Rule> = {
  dhcpMode: { type: "string", oneOf: DHCP_MODES },
  dhcpRelayServerIps: { type: "stringArray" },
  dhcpLeaseTime: { type: "string", oneOf: DHCP_LEASE_TIMES },
  dnsNameserversOption: { type: "string", oneOf: DNS_OPTIONS },
  dnsCustomNameservers: { type: "stringArray" },
  bootOptionsEnabled: { type: "boolean" },
  bootNextServer: { type: "string", nullable: true },
  bootFileName: { type: "string", nullable: true },
  dhcpOptions: { type: "array" },
  reservedIpRanges: { type: "array" },
  fixedIpAssignments: { type: "array" },
};

function checkDhcpBody(body: Body): string[] {
  const problems = checkFields(body, DHCP_RULES);
  for (const k of ["dhcpRelayServerIps", "dnsCustomNameservers"]) {
    const list = body[k];
    if (Array.isArray(list)) for (const ip of list) if (typeof ip === "string" && !isIPv4(ip)) problems.push(`'${k}' must contain IPv4 addresses only ('${ip}')`);
  }
  if (typeof body.bootNextServer === "string" && !isIPv4(body.bootNextServer)) problems.push("'bootNextServer' must be an IPv4 address");
  const each = (field: string, required: string[], check: (item: Body, at: string) => void) => {
    const list = body[field];
    if (!Array.isArray(list)) return;
    list.forEach((item: unknown, i: number) => {
      const at = `${field}[${i}]`;
      if (!isPlainObject(item)) return problems.push(`'${at}' must be an object`);
      for (const k of required) if (item[k] === undefined) problems.push(`'${at}.${k}' is required`);
      check(item, at);
      return undefined;
    });
  };
  each("dhcpOptions", ["code", "type", "value"], (o, at) => {
    const code = typeof o.code === "string" ? asInteger(o.code) : undefined;
    // "The code for DHCP option which should be from 2 to 254" (SPEC142)
    if (o.code !== undefined && (code === undefined || code === null || code < 2 || code > 254)) problems.push(`'${at}.code' must be a string holding an integer between 2 and 254`);
    if (o.type !== undefined && !DHCP_OPTION_TYPES.includes(o.type as never)) problems.push(oneOfMessage(`${at}.type`, DHCP_OPTION_TYPES));
    if (o.value !== undefined && typeof o.value !== "string") problems.push(`'${at}.value' must be a string`);
  });
  each("reservedIpRanges", ["start", "end"], (r, at) => {
    for (const k of ["start", "end"]) if (r[k] !== undefined && !isIPv4(r[k])) problems.push(`'${at}.${k}' must be an IPv4 address`);
    if (r.comment !== undefined && typeof r.comment !== "string") problems.push(`'${at}.comment' must be a string`);
  });
  each("fixedIpAssignments", ["name", "mac", "ip"], (f, at) => {
    if (f.name !== undefined && typeof f.name !== "string") problems.push(`'${at}.name' must be a string`);
    if (f.mac !== undefined && !isMac(f.mac)) problems.push(`'${at}.mac' must be a MAC address`);
    if (f.ip !== undefined && !isIPv4(f.ip)) problems.push(`'${at}.ip' must be an IPv4 address`);
  });
  return problems;
}

/** The rules that depend on the mode and the interface's subnet (definition; wording ours). */
function dhcpProblems(d: InterfaceDhcp, subnet: string): string[] {
  const problems: string[] = [];
  const c = parseCidr(subnet)!;
  if (d.dhcpMode === "dhcpRelay" && !d.dhcpRelayServerIps?.length) problems.push("'dhcpRelayServerIps' is required when 'dhcpMode' is 'dhcpRelay'");
  if (d.dnsNameserversOption === "custom" && !d.dnsCustomNameservers.length) problems.push("'dnsCustomNameservers' is required when 'dnsNameserversOption' is 'custom'");
  d.reservedIpRanges.forEach((r, i) => {
    const s = parseIPv4(r.start);
    const e = parseIPv4(r.end);
    if (s === null || e === null) return;
    if (!isHostOf(c, s) || !isHostOf(c, e)) problems.push(`'reservedIpRanges[${i}]' ${r.start}-${r.end} must be within the interface's subnet ${subnet}`);
    else if (s > e) problems.push(`'reservedIpRanges[${i}]' starts after it ends`);
  });
  d.fixedIpAssignments.forEach((f, i) => {
    const ip = parseIPv4(f.ip);
    if (ip !== null && !isHostOf(c, ip)) problems.push(`'fixedIpAssignments[${i}].ip' ${f.ip} must be within the interface's subnet ${subnet}`);
  });
  return problems;
}

export function updateInterfaceDhcp(ctx: ExecContext, serial: string, id: string, body: Body): OpResult {
  const iface = findInterface(ctx, serial, id);
  fail(checkDhcpBody(body));
  const d: InterfaceDhcp = JSON.parse(JSON.stringify(iface.dhcp));
  for (const k of Object.keys(DHCP_RULES)) if (body[k] !== undefined) (d as unknown as Body)[k] = JSON.parse(JSON.stringify(body[k]));
  if (d.dhcpMode !== "dhcpRelay") delete d.dhcpRelayServerIps;
  fail(dhcpProblems(d, iface.subnet));
  ctx.journal.set(writableCollection(ctx, "routingInterfaces", serial), id, { ...iface, dhcp: d });
  return {};
}

/** The DHCP settings as GET returns them; relay servers only while relaying (as for VLANs, ansible-meraki#434). */
export function getInterfaceDhcp(ctx: ExecContext, serial: string, id: string): Body {
  const d = findInterface(ctx, serial, id).dhcp;
  const out: Body = { dhcpMode: d.dhcpMode };
  if (d.dhcpMode === "dhcpRelay") out.dhcpRelayServerIps = [...(d.dhcpRelayServerIps ?? [])];
  const { dhcpMode: _m, dhcpRelayServerIps: _r, ...rest } = d;
  return { ...out, ...JSON.parse(JSON.stringify(rest)) };
}

// ---- static routes --------------------------------------------------------------------------------

const ROUTE_RULES: Record<string, Rule> = {
  name: { type: "string", nullable: true },
  subnet: { type: "string" },
  nextHopIp: { type: "string" },
  advertiseViaOspfEnabled: { type: "boolean" },
  preferOverOspfRoutesEnabled: { type: "boolean" },
};

function checkRouteBody(body: Body): string[] {
  const problems = checkFields(body, ROUTE_RULES);
  if (typeof body.subnet === "string") {
    const c = parseCidr(body.subnet);
    if (!c) problems.push("'subnet' must be in CIDR notation (ex. 1.2.3.0/24)");
    else if (!c.aligned) problems.push(`'subnet' ${body.subnet} is not a network address`);
  }
  if (typeof body.nextHopIp === "string" && !isIPv4(body.nextHopIp)) problems.push("'nextHopIp' must be an IPv4 address");
  return problems;
}

function routeProblems(org: OrgState, serial: string, next: StaticRoute, replacing?: string): string[] {
  const problems: string[] = [];
  const interfaces = Object.values(readCollection(org, "routingInterfaces", serial));
  if (!reachable(next.nextHopIp, interfaces)) problems.push(`'nextHopIp' ${next.nextHopIp} is not reachable through a layer 3 interface of this switch`);
  const same = Object.values(readCollection(org, "staticRoutes", serial)).find((r) => r.staticRouteId !== replacing && r.subnet === next.subnet);
  if (same) problems.push(`A static route for ${next.subnet} already exists (${same.staticRouteId})`);
  return problems;
}

function mergeRoute(current: StaticRoute, body: Body): StaticRoute {
  const next = { ...current };
  for (const k of Object.keys(ROUTE_RULES)) if (body[k] !== undefined) (next as unknown as Body)[k] = body[k];
  return next;
}

export function createStaticRoute(ctx: ExecContext, serial: string, body: Body, resourceBase: string): OpResult {
  findSwitch(ctx, serial);
  // required: subnet, nextHopIp (SPEC142)
  fail(["subnet", "nextHopIp"].filter((k) => body[k] === undefined).map((k) => `'${k}' is required`));
  fail(checkRouteBody(body));
  const id = ctx.newId();
  const next = mergeRoute({ staticRouteId: id, name: null, subnet: "", nextHopIp: "", advertiseViaOspfEnabled: false, preferOverOspfRoutesEnabled: false }, body);
  fail(routeProblems(ctx.org, serial, next));
  ctx.journal.set(writableCollection(ctx, "staticRoutes", serial), id, next);
  return { created: { id, uri: `${resourceBase.replace(/\/+$/, "")}/${id}` } };
}

function findRoute(ctx: ExecContext, serial: string, id: string): StaticRoute {
  findSwitch(ctx, serial);
  const found = readCollection(ctx.org, "staticRoutes", serial)[id];
  if (!found) throw notFound(`Static route ${id} not found`);
  return found;
}

export function updateStaticRoute(ctx: ExecContext, serial: string, id: string, body: Body): OpResult {
  const current = findRoute(ctx, serial, id);
  fail(checkRouteBody(body));
  const next = mergeRoute(current, body);
  fail(routeProblems(ctx.org, serial, next, id));
  ctx.journal.set(writableCollection(ctx, "staticRoutes", serial), id, next);
  return {};
}

export function destroyStaticRoute(ctx: ExecContext, serial: string, id: string): OpResult {
  findRoute(ctx, serial, id);
  ctx.journal.remove(writableCollection(ctx, "staticRoutes", serial), id);
  return {};
}

export function listStaticRoutes(ctx: ExecContext, serial: string): Body[] {
  findSwitch(ctx, serial);
  return inIdOrder(readCollection(ctx.org, "staticRoutes", serial)).map((r) => ({ ...r }));
}

export function getStaticRoute(ctx: ExecContext, serial: string, id: string): Body {
  return { ...findRoute(ctx, serial, id) };
}

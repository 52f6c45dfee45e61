/**
 * Randomized emulator states for the import property test. A seed file gives the shape (several
 * networks: two with an appliance and VLANs, one with an appliance and VLANs disabled, one bound
 * to a configuration template; switches with uplink module ports and an access point); everything
 * else is written through the emulator's REST API with a seeded PRNG, so only states the API lets
 * a network reach are built, and the same seed builds the same state.
 */
import * as fs from "fs";
import { campusWorld } from "../../emulator/seeds";
import { defaultVlan } from "../../emulator/resources/vlans";
import { capabilities, portLayout } from "../../emulator/resources/switch-models";
import { Api } from "../helpers/api";
import { Prng, prng } from "./support";

export const ORG = "2930418";
const CORE = "L_646829496481105433";
const BUILDING_1 = "L_646829496481105434";
const BUILDING_2 = "L_646829496481105435";
/** Bound to a configuration template (the campus seed's branch): VLANs by cidr, mask and templateVlanType. */
export const BRANCH = "L_646829496481199001";
/** The network with an appliance whose VLANs are off in the base world. */
export const VLANS_OFF_NETWORK = BUILDING_2;
/** The networks with an appliance, whose VLANs may be switched on or off. */
export const APPLIANCE_NETWORKS = [CORE, BUILDING_1, BUILDING_2, BRANCH];
const SWITCH_MODEL = "MS225-48LP";

/** The seed file's world: campus with 6 switches, an MX with VLANs in building 1, an MX with VLANs off in building 2, the template-bound branch, an AP. */
export function writeBaseWorld(file: string): void {
  const w = campusWorld(6);
  const o = w.organizations[ORG];
  const mx = o.devices["Q2CA-MX00-0001"];
  o.networks[BUILDING_1].productTypes = ["appliance", "switch", "wireless"];
  o.networks[BUILDING_1].vlansEnabled = true;
  o.vlans[BUILDING_1] = { "1": defaultVlan(o.networks[BUILDING_1], 1, String(w.nextId++)) };
  o.devices["Q2CA-MX00-0002"] = { ...mx, serial: "Q2CA-MX00-0002", networkId: BUILDING_1, name: "Building 1 MX", mac: "e0:55:3d:ff:00:02" };
  o.networks[BUILDING_2].productTypes = ["appliance", "switch"];
  o.devices["Q2CA-MX00-0003"] = { ...mx, serial: "Q2CA-MX00-0003", networkId: BUILDING_2, name: "Building 2 MX", mac: "e0:55:3d:ff:00:03" };
  o.devices["Q2CA-MR00-0001"] = { ...mx, serial: "Q2CA-MR00-0001", networkId: BUILDING_1, name: "Lobby AP", model: "MR46", productType: "wireless", mac: "e0:55:3d:ff:01:01" };
  fs.writeFileSync(file, JSON.stringify(w));
}

const TAGS = ["core", "edge", "floor-1", "APIness", "iot", "lab", "Cameras"];
const VLAN_POOL = [1, 10, 20, 30, 99, 100, 200, 300, 4094];
const NAMES = ["Desk", "AP", "Printer", "Camera", "Uplink", "Lab bench", "IoT"];

const mac = (r: Prng) =>
  Array.from({ length: 6 }, (_, i) => (i === 0 ? 0 : r.int(0, 255)).toString(16).padStart(2, "0"))
    .join(":")
    .replace(/[a-f]/g, (c) => (r.chance(0.3) ? c.toUpperCase() : c));

/** Some of `fields`, each with probability p. */
function some(r: Prng, p: number, fields: Record<string, () => unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, make] of Object.entries(fields)) if (r.chance(p)) out[k] = make();
  return out;
}

/** A random port write over every writable field (the emulator refuses the inconsistent ones); `speeds` are the port's link speeds. */
function portBody(r: Prng, speeds: string[]): Record<string, unknown> {
  const type = r.pick(["access", "access", "access", "trunk", "trunk", "stack", "routed", "svl", "dad"]);
  const body: Record<string, unknown> = { type };
  Object.assign(
    body,
    some(r, 0.25, {
      tags: () => r.sample(TAGS, r.int(1, 3)),
      enabled: () => r.chance(0.5),
      poeEnabled: () => r.chance(0.5),
      isolationEnabled: () => r.chance(0.5),
      rstpEnabled: () => r.chance(0.5),
      stpGuard: () => r.pick(["disabled", "root guard", "bpdu guard", "loop guard"]),
      linkNegotiation: () => r.pick(speeds),
      portScheduleId: () => (r.chance(0.7) ? `sched-${r.int(1, 3)}` : null),
      udld: () => r.pick(["Alert only", "Enforce"]),
      stormControlEnabled: () => r.chance(0.5),
      adaptivePolicyGroupId: () => null,
      flexibleStackingEnabled: () => r.chance(0.5),
      daiTrusted: () => r.chance(0.5),
      profile: () => ({ enabled: r.chance(0.5), id: r.chance(0.6) ? `prof-${r.int(1, 4)}` : "", iname: r.chance(0.5) ? `iname-${r.int(1, 3)}` : null }),
      dot3az: () => ({ enabled: r.chance(0.5) }),
      highSpeed: () => ({ enabled: r.chance(0.5) }),
    }),
  );
  if (type === "access") {
    const vlan = r.pick(VLAN_POOL);
    body.vlan = vlan;
    if (r.chance(0.4)) body.voiceVlan = r.chance(0.8) ? r.pick(VLAN_POOL.filter((v) => v !== vlan)) : null;
    if (r.chance(0.4)) {
      const policy = r.pick(["Open", "Custom access policy", "MAC allow list", "Sticky MAC allow list"]);
      body.accessPolicyType = policy;
      if (policy === "Custom access policy") body.accessPolicyNumber = r.int(1, 5);
      if (policy === "MAC allow list") {
        body.macAllowList = Array.from({ length: r.int(1, 3) }, () => mac(r));
        if (r.chance(0.3)) body.macWhitelistLimit = r.int(1, 5);
      }
      if (policy === "Sticky MAC allow list") {
        const limit = r.int(1, 4);
        if (r.chance(0.7)) body.stickyMacAllowListLimit = limit;
        if (r.chance(0.5)) body.stickyMacAllowList = Array.from({ length: r.int(0, r.chance(0.7) ? limit : 1) }, () => mac(r));
      }
    }
  } else if (type === "trunk") {
    if (r.chance(0.6)) body.vlan = r.chance(0.8) ? r.pick(VLAN_POOL) : null;
    if (r.chance(0.6)) {
      body.allowedVlans = r.pick(["all", "1-1000", "1-4094", "1,10,20", "20,10,1", "10-19,20-29", "1,3,5-10", "100-200,5", "1-500,501-1000"]);
    }
    Object.assign(body, some(r, 0.3, { peerSgtCapable: () => r.chance(0.5), stpPortFastTrunk: () => r.chance(0.5) }));
  } else if (r.chance(0.5)) {
    body.vlan = null;
  }
  return body;
}

/** A name for each port of a run: none, one for all, a pattern around the port id, or each its own. */
function namer(r: Prng): (portId: string) => string | undefined {
  const kind = r.pick(["none", "constant", "pattern", "pattern", "each"]);
  const base = r.pick(NAMES);
  const prefix = r.pick([`${base} `, `${base}-`, `B${r.int(1, 3)}-SW${r.int(1, 9)}-D`, `${base} #`]);
  const suffix = r.pick(["", "", " (east)", "-a"]);
  switch (kind) {
    case "none":
      return () => undefined;
    case "constant":
      return () => base;
    case "pattern":
      return (id) => `${prefix}${id}${suffix}`;
    default:
      return () => `${base} ${r.int(1, 999)}`;
  }
}

export interface WorldStats {
  writes: number;
  refused: number;
}

async function write(api: Api, stats: WorldStats, method: "POST" | "PUT", path: string, body: unknown): Promise<boolean> {
  const res = await api.request(method, path, body);
  stats.writes++;
  if (res.status >= 500) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  if (res.status >= 400) stats.refused++;
  return res.status < 400;
}

/** IPv6 off, on, or with a prefix assignment (sometimes without `autonomous`, which is optional); GET never returns `disabled`. */
function ipv6(r: Prng): Record<string, unknown> {
  if (r.chance(0.4)) return { enabled: r.chance(0.5) };
  const assignment = { disabled: r.chance(0.5), staticPrefix: "2001:db8:1::/64", staticApplianceIp6: "2001:db8:1::1", origin: { type: "internet", interfaces: ["wan0"] } };
  return { enabled: true, prefixAssignments: [r.chance(0.6) ? { autonomous: r.chance(0.5), ...assignment } : assignment] };
}

/**
 * A VLAN create and the update that may follow. On a template-bound network the VLAN has cidr,
 * mask and templateVlanType instead of subnet and applianceIp: each VLAN its own pool, so the
 * subnet the API picks does not depend on the order VLANs are created in.
 */
function vlanBody(r: Prng, id: number, netIndex: number, slot: number, bound: boolean): Record<string, unknown> {
  const third = slot * 2;
  const base = bound ? `10.${150 + slot}.0` : `10.${netIndex * 50 + 1}.${third}`;
  const ip = (last: number) => `${base}.${last}`;
  const addressing = bound
    ? r.chance(0.5)
      ? { templateVlanType: "same", cidr: `${base}.0/24`, ...(r.chance(0.5) ? { mask: 24 } : {}) }
      : { templateVlanType: "unique", cidr: `10.${150 + slot}.0.0/16`, mask: r.int(24, 26) }
    : { subnet: `${base}.0/${r.pick([24, 23])}`, applianceIp: ip(1) };
  return {
    id: r.chance(0.5) ? id : String(id),
    name: r.pick(["Users", "Voice", "Guest", "IoT", "Cameras", `V${id}`]),
    ...addressing,
    ...some(r, 0.3, {
      groupPolicyId: () => String(r.int(100, 105)),
      dhcpLeaseTime: () => r.pick(["30 minutes", "1 hour", "4 hours", "12 hours", "1 day", "1 week"]),
      dhcpBootOptionsEnabled: () => r.chance(0.5),
      dhcpBootNextServer: () => r.pick(["10.0.0.5", null]),
      dhcpBootFilename: () => r.pick(["pxelinux.0", null]),
      dhcpOptions: () =>
        r.sample(
          [
            { code: "66", type: "text", value: "tftp.example.com" },
            { code: "150", type: "ip", value: "10.0.0.15" },
            { code: "43", type: "hex", value: "0a0b0c" },
            { code: "42", type: "integer", value: "7" },
          ],
          r.int(1, 3),
        ),
      mandatoryDhcp: () => ({ enabled: r.chance(0.5) }),
      sgt: () => ({ value: r.int(1, 9) }),
      vrf: () => ({ name: r.pick(["corp", "guest"]) }),
      uplinks: () => [{ interface: "wan1", vlan: r.int(2, 4094) }],
    }),
    ...(r.chance(0.5) ? { ipv6: ipv6(r) } : {}),
    ...(r.chance(0.2) ? { dhcpHandling: "Relay DHCP to another server", dhcpRelayServerIps: [`10.99.0.${r.int(2, 9)}`] } : r.chance(0.2) ? { dhcpHandling: "Do not respond to DHCP requests" } : {}),
    extraUpdate: some(r, 0.4, {
      fixedIpAssignments: () => ({ [mac(r)]: { ip: ip(r.int(20, 60)), name: r.pick(["printer", "camera", ""]) } }),
      reservedIpRanges: () => [{ start: ip(2), end: ip(r.int(3, 19)), comment: r.pick(["infra", "printers"]) }],
      dnsNameservers: () => r.pick(["upstream_dns", "google_dns", "opendns", "8.8.8.8\n1.1.1.1", " 9.9.9.9 \n149.112.112.112"]),
      vpnNatSubnet: () => r.pick([`10.250.${slot}.0/24`, `10.250.${slot}.5/24`]),
    }),
  };
}

/**
 * Writes a random state into the emulator (which holds the base world): VLANs switched on or off
 * per network with an appliance, VLANs on the networks with VLANs (template VLANs on the bound
 * one), tags on devices, and port settings (uplink module ports too) in runs (shared settings,
 * name patterns), singles, and type changes that leave stale fields behind.
 */
export async function randomize(api: Api, seed: number, switches: string[], devices: string[]): Promise<WorldStats> {
  const r = prng(seed);
  const stats: WorldStats = { writes: 0, refused: 0 };
  const enabled = new Map(APPLIANCE_NETWORKS.map((n) => [n, n !== BUILDING_2]));
  for (const net of APPLIANCE_NETWORKS) {
    if (!r.chance(0.25)) continue;
    enabled.set(net, !enabled.get(net));
    await write(api, stats, "PUT", `/networks/${net}/appliance/vlans/settings`, { vlansEnabled: enabled.get(net) });
  }
  for (const [netIndex, net] of APPLIANCE_NETWORKS.entries()) {
    if (!enabled.get(net)) continue;
    const ids = r.sample(Array.from({ length: 4093 }, (_, i) => i + 2), r.int(0, 5));
    for (const [slot, id] of ids.entries()) {
      const { extraUpdate, ...create } = vlanBody(r, id, netIndex, slot + 1, net === BRANCH);
      if ((await write(api, stats, "POST", `/networks/${net}/appliance/vlans`, create)) && Object.keys(extraUpdate as object).length) {
        await write(api, stats, "PUT", `/networks/${net}/appliance/vlans/${id}`, extraUpdate);
      }
    }
    if (r.chance(0.5)) await write(api, stats, "PUT", `/networks/${net}/appliance/vlans/1`, { name: r.pick(["Management", "Default LAN"]), dhcpLeaseTime: r.pick(["1 hour", "1 day"]) });
  }
  for (const serial of devices) if (r.chance(0.6)) await write(api, stats, "PUT", `/devices/${serial}`, { tags: r.sample(TAGS, r.int(1, 4)) });
  for (const serial of devices) if (r.chance(0.4)) await write(api, stats, "PUT", `/devices/${serial}`, deviceBody(r));
  // Access policies first: ports with a "Custom access policy" name one of their network's.
  for (const net of SWITCH_NETWORKS) for (let i = r.int(0, 3); i > 0; i--) await write(api, stats, "POST", `/networks/${net}/switch/accessPolicies`, policyBody(r));
  const ports = portLayout(SWITCH_MODEL).length;
  for (const serial of switches) {
    for (let p = 1; p <= ports; ) {
      const roll = r.next();
      if (roll < 0.3) {
        p += r.int(1, 6); // untouched ports
        continue;
      }
      const run = roll < 0.65 ? r.int(2, 12) : 1;
      const body = portBody(r, capabilities(SWITCH_MODEL, String(p)));
      const name = namer(r);
      for (let q = p; q < Math.min(ports + 1, p + run); q++) {
        const n = name(String(q));
        await write(api, stats, "PUT", `/devices/${serial}/switch/ports/${q}`, n === undefined ? body : { ...body, name: n });
      }
      // A type change afterwards leaves fields of the old type behind.
      if (r.chance(0.1)) await write(api, stats, "PUT", `/devices/${serial}/switch/ports/${p}`, { type: r.pick(["access", "trunk", "stack"]) });
      p += run;
    }
  }
  for (const [i, serial] of switches.entries()) if (r.chance(0.4)) await routing(api, stats, r, serial, i);
  // Link aggregations of two uplinks of switches in one network (switch i and i + 3 share one).
  for (const [i, serial] of switches.slice(0, 3).entries()) {
    if (!r.chance(0.4)) continue;
    const other = switches[i + 3];
    const members = r.chance(0.5) ? [[serial, "49"], [serial, "50"]] : [[serial, "51"], [other, "51"], ...(r.chance(0.5) ? [[other, "52"]] : [])];
    await write(api, stats, "POST", `/networks/${SWITCH_NETWORKS[i]}/switch/linkAggregations`, { switchPorts: members.map(([s, portId]) => ({ serial: s, portId })) });
  }
  return stats;
}

/** The networks with switches in the base world: switch i is in network i % 3. */
const SWITCH_NETWORKS = [CORE, BUILDING_1, BUILDING_2];

function deviceBody(r: Prng): Record<string, unknown> {
  return some(r, 0.5, {
    name: () => r.pick(["Core 1", "Closet 2", "", "Lab switch"]),
    address: () => r.pick(["1 Campus Drive", "", "Building B, floor 2"]),
    notes: () => r.pick(["rack 4", "", "spare"]),
    lat: () => r.pick([51.5, -33.86, 0]),
    lng: () => r.pick([-0.12, 151.2, 0]),
  });
}

function policyBody(r: Prng): Record<string, unknown> {
  const hostMode = r.pick(["Single-Host", "Multi-Domain", "Multi-Auth", "Multi-Host"]);
  const server = () => ({ host: `10.0.0.${r.int(2, 50)}`, port: r.pick([1812, 1645]), secret: "s3cret" });
  return {
    name: r.pick(["Desks", "Guests", "Lab 802.1X", "Printers MAB"]) + ` ${r.int(1, 99)}`,
    radiusServers: r.chance(0.2) ? [] : Array.from({ length: r.int(1, 2) }, server),
    radiusTestingEnabled: r.chance(0.3),
    radiusCoaSupportEnabled: r.chance(0.3),
    radiusAccountingEnabled: r.chance(0.3),
    hostMode,
    urlRedirectWalledGardenEnabled: r.chance(0.2),
    ...some(r, 0.3, {
      accessPolicyType: () => r.pick(["802.1x", "Hybrid authentication", "MAC authentication bypass"]),
      guestVlanId: () => r.int(2, 4094),
      dot1x: () => ({ controlDirection: r.pick(["both", "inbound"]) }),
      radiusGroupAttribute: () => r.pick(["", "11"]),
      voiceVlanClients: () => r.chance(0.5),
      urlRedirectWalledGardenRanges: () => ["192.168.1.0/24"],
      radius: () => ({ failedAuthVlanId: r.int(2, 99), reAuthenticationInterval: r.pick([3600, 7200]), criticalAuth: { dataVlanId: r.int(2, 99), suspendPortBounce: r.chance(0.5) } }),
      radiusAccountingServers: () => [server()],
    }),
  };
}

/** A switch's layer 3: interfaces (the first with the default gateway), their DHCP settings, static routes through them. */
async function routing(api: Api, stats: WorldStats, r: Prng, serial: string, index: number): Promise<void> {
  const base = `/devices/${serial}/switch/routing`;
  const vlans = r.sample([10, 20, 30, 40], r.int(1, 3)).sort((a, b) => a - b);
  for (const [i, vlanId] of vlans.entries()) {
    const net = `10.${index * 10 + vlanId / 10}`;
    const created = await api.request("POST", `${base}/interfaces`, {
      name: `VLAN ${vlanId}`,
      subnet: `${net}.0.0/24`,
      interfaceIp: `${net}.0.2`,
      vlanId,
      ...(i === 0 || r.chance(0.3) ? { defaultGateway: `${net}.0.1` } : {}),
      ...some(r, 0.3, { multicastRouting: () => r.pick(["enabled", "IGMP snooping querier"]), ospfSettings: () => ({ area: "0", cost: r.int(1, 100), isPassiveEnabled: r.chance(0.5) }) }),
    });
    stats.writes++;
    if (created.status >= 400) {
      stats.refused++;
      continue;
    }
    const id = created.body.interfaceId as string;
    if (r.chance(0.6)) {
      const dhcp = r.pick([
        { dhcpMode: "dhcpServer", dhcpLeaseTime: r.pick(["1 hour", "4 hours"]), reservedIpRanges: [{ start: `${net}.0.1`, end: `${net}.0.9`, ...(r.chance(0.5) ? { comment: "infra" } : {}) }] },
        { dhcpMode: "dhcpServer", dnsNameserversOption: "custom", dnsCustomNameservers: ["10.0.0.53"], fixedIpAssignments: [{ name: "printer", mac: mac(r), ip: `${net}.0.40` }] },
        { dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.0.67"] },
        { dhcpMode: "dhcpServer", dhcpOptions: [{ code: "150", type: "ip", value: "10.0.0.69" }], bootOptionsEnabled: true, bootNextServer: "10.0.0.5", bootFileName: "pxe.0" },
      ]);
      await write(api, stats, "PUT", `${base}/interfaces/${id}/dhcp`, dhcp);
    }
    if (r.chance(0.5)) await write(api, stats, "POST", `${base}/staticRoutes`, { subnet: `172.${16 + index}.${vlanId}.0/24`, nextHopIp: `${net}.0.${r.int(3, 250)}`, ...some(r, 0.5, { name: () => `Route ${vlanId}`, advertiseViaOspfEnabled: () => r.chance(0.5) }) });
  }
}

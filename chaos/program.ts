/**
 * Random programs: VLANs, device tags and attributes, switch ports, access policies (and ports on
 * them), layer 3 interfaces, static routes and link aggregations, declared the way a user would (a
 * Pulumi program in plain JavaScript that requires "meraki-batch"), on one of the emulator's seeds.
 *
 * Objects the API numbers (policies, interfaces, routes, aggregations) are each one program's
 * own (its marker in the policy's name, its index in the VLAN, subnet and uplink ports), so a
 * program only ever creates them: every action it makes names its object in its path or body.
 *
 * Every field value a program declares carries the program's marker (`p3`): a port's name, a
 * VLAN's name, a device's tags. So no two programs of an iteration ever produce the same action,
 * and any action in the organization's batch list can be traced to the program that asked for it.
 * Pure: the same random source gives the same programs.
 */
import { CAMPUS_API_KEY, DEMO_API_KEY } from "../emulator/seeds";
import { Random } from "./random";

export type SeedName = "demo" | "campus";

/** What an emulator seed holds that programs can use. */
export interface WorldFacts {
  seed: SeedName;
  organizationId: string;
  apiKey: string;
  /** The network whose MX has VLANs enabled. */
  network: string;
  switches: string[];
  /** Devices whose tags programs may manage. */
  taggable: string[];
  /** The switches of `network` (access policies and link aggregations are the network's). */
  networkSwitches: string[];
}

const campusSwitches = Array.from({ length: 10 }, (_, i) => `Q2CA-MS00-${String(i + 1).padStart(4, "0")}`);

export const WORLDS: Record<SeedName, WorldFacts> = {
  demo: {
    seed: "demo",
    organizationId: "1234567",
    apiKey: DEMO_API_KEY,
    network: "L_000000000000000",
    switches: ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"],
    taggable: ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF", "Q2MX-0000-0001"],
    networkSwitches: ["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"],
  },
  campus: {
    seed: "campus",
    organizationId: "2930418",
    apiKey: CAMPUS_API_KEY,
    network: "L_646829496481105433",
    switches: campusSwitches,
    taggable: [...campusSwitches.slice(0, 4), "Q2CA-MX00-0001"],
    // Switches go round-robin over three networks: 1, 4, 7 and 10 are the core's.
    networkSwitches: campusSwitches.filter((_, i) => i % 3 === 0),
  },
};

export type Kind = "vlan" | "deviceTags" | "switchPort" | "device" | "switchAccessPolicy" | "switchRoutingInterface" | "switchStaticRoute" | "linkAggregation";

/** One declared resource: what identifies it and the fields it manages (compared with the live state). */
export interface Decl {
  kind: Kind;
  /** The Pulumi resource name. */
  name: string;
  /** The Meraki object it writes: `vlan/NET/ID`, `device/SERIAL`, `port/SERIAL/PORT`. */
  object: string;
  ident: Record<string, string | number>;
  fields: Record<string, unknown>;
  /** Props that take another resource's output (a port's accessPolicyNumber): written, not compared. */
  refs?: Record<string, { name: string; output: string }>;
}

export interface ProgramSpec {
  index: number;
  /** In every value the program declares: p0, p1, … */
  marker: string;
  decls: Decl[];
}

/** The objects an iteration's programs draw from, with what must stay fixed between programs. */
export interface Universe {
  world: WorldFacts;
  vlanIds: number[];
  /** A port's type is fixed for the iteration, so every program's fields are valid whatever ran before. */
  ports: Array<{ serial: string; portId: string; type: "access" | "trunk" }>;
  taggable: string[];
}

const VLAN_POOL = [10, 20, 30, 40, 50, 60, 70, 80, 90, 110, 120, 130];
const TAG_POOL = ["ap", "cam", "data", "voice"];
const STP_GUARDS = ["disabled", "root guard", "bpdu guard", "loop guard"];

export function makeUniverse(rng: Random, world: WorldFacts): Universe {
  const switches = rng.sample(world.switches, rng.between(1, Math.min(3, world.switches.length)));
  const ports: Universe["ports"] = [];
  const wanted = rng.between(8, 36);
  const ids = switches.flatMap((serial) => Array.from({ length: 48 }, (_, i) => ({ serial, portId: String(i + 1) })));
  for (const p of rng.sample(ids, wanted)) ports.push({ ...p, type: rng.chance(0.25) ? "trunk" : "access" });
  ports.sort((a, b) => a.serial.localeCompare(b.serial) || Number(a.portId) - Number(b.portId));
  return { world, vlanIds: rng.sample(VLAN_POOL, rng.between(2, 5)).sort((a, b) => a - b), ports, taggable: world.taggable };
}

const subnetOf = (id: number) => `10.${id}.0.0/24`;
const applianceIpOf = (id: number) => `10.${id}.0.1`;
const short = (serial: string) => serial.split("-").pop();

/**
 * A program over the universe. `overlap`: another program whose objects this one partly shares
 * (two different programs run at once); at least one port in common.
 */
export function makeProgram(rng: Random, u: Universe, index: number, overlap?: ProgramSpec): ProgramSpec {
  const marker = `p${index}`;
  const decls: Decl[] = [];
  const net = u.world.network;

  const vlanIds = rng.sample(u.vlanIds, rng.between(0, Math.min(3, u.vlanIds.length))).sort((a, b) => a - b);
  if (overlap && rng.chance(0.5)) {
    for (const d of overlap.decls) if (d.kind === "vlan" && Number(d.ident.vlanId) !== 1 && !vlanIds.includes(Number(d.ident.vlanId)) && rng.chance(0.5)) vlanIds.push(Number(d.ident.vlanId));
  }
  for (const id of vlanIds) {
    decls.push({ kind: "vlan", name: `vlan-${id}`, object: `vlan/${net}/${id}`, ident: { networkId: net, vlanId: id }, fields: { name: `${marker} vlan ${id}`, subnet: subnetOf(id), applianceIp: applianceIpOf(id) } });
  }
  if (rng.chance(0.2)) decls.push({ kind: "vlan", name: "vlan-1", object: `vlan/${net}/1`, ident: { networkId: net, vlanId: 1 }, fields: { name: `${marker} default`, subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" } });

  for (const serial of rng.sample(u.taggable, rng.between(0, 2))) {
    const tags = [...new Set([marker, ...rng.sample(TAG_POOL, rng.between(0, 2))])].sort();
    decls.push({ kind: "deviceTags", name: `tags-${serial}`, object: `device/${serial}`, ident: { serial }, fields: { tags } });
  }

  let ports = rng.sample(u.ports, rng.between(3, Math.min(24, u.ports.length)));
  if (overlap) {
    const theirs = overlap.decls.filter((d) => d.kind === "switchPort").map((d) => d.object);
    const shared = rng.sample(u.ports.filter((p) => theirs.includes(`port/${p.serial}/${p.portId}`)), rng.between(1, 4));
    ports = [...new Map([...shared, ...ports].map((p) => [`${p.serial}/${p.portId}`, p])).values()];
  }
  ports.sort((a, b) => a.serial.localeCompare(b.serial) || Number(a.portId) - Number(b.portId));
  const vlanChoices = [1, ...vlanIds, ...u.vlanIds];
  // An access policy of the program's own, used by some of its access ports on the network's switches.
  const policy = rng.chance(0.4) ? `policy-${marker}` : undefined;
  if (policy) {
    const fields: Record<string, unknown> = { name: `${marker} desks`, hostMode: rng.pick(["Single-Host", "Multi-Host"]), radiusServers: [], accessPolicyType: rng.pick(["802.1x", "MAC authentication bypass"]) };
    if (rng.chance(0.5)) fields.guestVlanId = rng.pick(u.vlanIds);
    decls.push({ kind: "switchAccessPolicy", name: policy, object: `policy/${net}/${fields.name}`, ident: { networkId: net }, fields });
  }
  const onPolicy = new Set(policy ? rng.sample(ports.filter((p) => p.type === "access" && u.world.networkSwitches.includes(p.serial)), rng.between(0, 3)) : []);
  for (const p of ports) {
    const fields: Record<string, unknown> = { name: `${marker}-${short(p.serial)}-${p.portId}`, type: p.type, vlan: rng.pick(vlanChoices) };
    if (p.type === "access") {
      if (rng.chance(0.4)) fields.voiceVlan = rng.pick(u.vlanIds);
    } else {
      fields.allowedVlans = [...new Set([1, ...rng.sample(u.vlanIds, rng.between(1, u.vlanIds.length))])].sort((a, b) => a - b).join(",");
    }
    if (rng.chance(0.6)) fields.tags = [...new Set([marker, ...rng.sample(TAG_POOL, rng.between(0, 2))])].sort();
    if (rng.chance(0.3)) fields.enabled = rng.chance(0.8);
    if (rng.chance(0.4)) fields.poeEnabled = rng.chance(0.5);
    if (rng.chance(0.4)) fields.stpGuard = rng.pick(STP_GUARDS);
    if (rng.chance(0.3)) fields.rstpEnabled = rng.chance(0.5);
    const decl: Decl = { kind: "switchPort", name: `port-${p.serial}-${p.portId}`, object: `port/${p.serial}/${p.portId}`, ident: { serial: p.serial, portId: p.portId }, fields };
    if (onPolicy.has(p) && policy) {
      fields.accessPolicyType = "Custom access policy";
      decl.refs = { accessPolicyNumber: { name: policy, output: "accessPolicyNumber" } };
    }
    decls.push(decl);
  }
  decls.push(...campusDecls(rng, u, index, marker, decls));
  return { index, marker, decls };
}

/**
 * Device attributes, and on a switch of the universe a layer 3 interface of the program's own (its
 * VLAN, subnet and gateway from the program's index), maybe with a static route through it, and a
 * link aggregation of a pair of uplink ports only this program bundles.
 */
function campusDecls(rng: Random, u: Universe, index: number, marker: string, taken: Decl[]): Decl[] {
  const out: Decl[] = [];
  const tagged = new Set(taken.filter((d) => d.kind === "deviceTags").map((d) => d.ident.serial));
  // Not on a device whose tags the program manages: one batch could carry both, another split them.
  for (const serial of rng.sample(u.taggable.filter((s) => !tagged.has(s)), rng.between(0, 1))) {
    const fields: Record<string, unknown> = { notes: `${marker} notes` };
    if (rng.chance(0.5)) fields.name = `${marker} ${short(serial)}`;
    out.push({ kind: "device", name: `device-${serial}`, object: `device/${serial}`, ident: { serial }, fields });
  }
  const switches = [...new Set(u.ports.map((p) => p.serial))];
  if (rng.chance(0.4)) {
    const serial = rng.pick(switches);
    const vlanId = 200 + index;
    const net = `10.${200 + (index % 50)}.${switches.indexOf(serial)}`;
    // No DHCP settings: their actions name the interface by the id the API gave it, which the
    // checks cannot trace back to a program (the waves are exercised by ports on a new policy).
    const fields: Record<string, unknown> = { name: `${marker} svi`, subnet: `${net}.0/24`, interfaceIp: `${net}.2`, defaultGateway: `${net}.1` };
    if (rng.chance(0.4)) fields.multicastRouting = rng.pick(["enabled", "IGMP snooping querier"]);
    out.push({ kind: "switchRoutingInterface", name: `svi-${marker}`, object: `svi/${serial}/${vlanId}`, ident: { serial, vlanId }, fields });
    if (rng.chance(0.6)) {
      const subnet = `172.${16 + (index % 16)}.${index}.0/24`;
      out.push({ kind: "switchStaticRoute", name: `route-${marker}`, object: `route/${serial}/${subnet}`, ident: { serial, subnet }, fields: { name: `${marker} route`, nextHopIp: `${net}.254` } });
    }
  }
  // Uplink pairs (49-50, 51-52) of the network's switches, one per program index.
  const pairs = u.world.networkSwitches.flatMap((serial) => [["49", "50"], ["51", "52"]].map((ids) => ids.map((portId) => ({ serial, portId }))));
  const pair = pairs[index % pairs.length];
  if (index < pairs.length && rng.chance(0.3)) {
    out.push({ kind: "linkAggregation", name: `lag-${marker}`, object: `lag/${u.world.network}/${pair[0].serial}/${pair[0].portId}`, ident: { networkId: u.world.network }, fields: { switchPorts: pair } });
  }
  return out;
}

/** The program as a user writes it: plain JavaScript (no compile step per run). */
export function renderProgram(p: ProgramSpec, note: string): Record<string, string> {
  const classOf: Record<Kind, string> = {
    vlan: "Vlan", deviceTags: "DeviceTags", switchPort: "SwitchPort", device: "Device", switchAccessPolicy: "SwitchAccessPolicy",
    switchRoutingInterface: "SwitchRoutingInterface", switchStaticRoute: "SwitchStaticRoute", linkAggregation: "LinkAggregation",
  };
  // Resources whose outputs others use are held in constants.
  const used = new Set(p.decls.flatMap((d) => Object.values(d.refs ?? {}).map((r) => r.name)));
  const constant = (name: string) => name.replace(/[^A-Za-z0-9]/g, "_");
  const props = (d: Decl) => {
    const own = JSON.stringify({ ...d.ident, ...d.fields });
    const refs = Object.entries(d.refs ?? {}).map(([k, r]) => `${JSON.stringify(k)}: ${constant(r.name)}.${r.output}`);
    return refs.length ? `${own.slice(0, -1)}, ${refs.join(", ")}}` : own;
  };
  const lines = [
    `// Generated by meraki-batch's chaos test (${note}, program ${p.marker}).`,
    `"use strict";`,
    `const meraki = require("meraki-batch");`,
    ...p.decls.map((d) => `${used.has(d.name) ? `const ${constant(d.name)} = ` : ""}new meraki.${classOf[d.kind]}(${JSON.stringify(d.name)}, ${props(d)});`),
    "",
  ];
  return {
    "Pulumi.yaml": `name: chaos-${p.marker}\nruntime: nodejs\nmain: index.js\ndescription: ${note}, program ${p.marker}\n`,
    "index.js": lines.join("\n"),
  };
}

/** How many actions applying the program from scratch takes, at most (one per resource). */
export const actionCount = (p: ProgramSpec): number => p.decls.length;

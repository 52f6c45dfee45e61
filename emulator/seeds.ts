/**
 * Seeds: the worlds the emulator starts with.
 *
 * - `demo`: exactly what the documentation's two action batch examples touch, so both run verbatim
 *   with only the base URL changed (organization 1234567 with network L_000000000000000, an MX with
 *   VLANs enabled and VLAN 1, switches AAAA-BBBB-CCCC and DDDD-EEEE-FFFF; organization 1234567890
 *   with switch QXXX-XXXX-XXXX). The example script's key sees both.
 * - `campus`: one larger organization for benchmarks (`switches` MS225-48LP switches, 48 access
 *   ports and 4 uplinks each, spread over several networks), plus a branch network bound to a
 *   configuration template (its VLANs take `cidr`/`mask`/`templateVlanType`).
 * - `empty`: one organization with no networks.
 * - a file path: a world saved by `--state`.
 */
import * as fs from "fs";
import { Device, Network, OrgState, SwitchPort, World } from "./model";
import { portLayout } from "./resources/switch-models";
import { defaultPort } from "./resources/switch-ports";
import { defaultVlan } from "./resources/vlans";

export const DEMO_API_KEY = "aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc";
export const CAMPUS_API_KEY = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00";
export const EMPTY_API_KEY = "0000000000000000000000000000000000000000";
/** First generated id; batch ids look like the documentation's ("173869674715420"). */
const FIRST_ID = 173869674715420;

export type SeedName = "demo" | "campus" | "empty";

function org(id: string, name: string): OrgState {
  return {
    organization: { id, name, url: `https://n1.meraki.com/o/${id}/manage/organization/overview` },
    networks: {},
    devices: {},
    switchPorts: {},
    vlans: {},
    batches: {},
  };
}

function network(o: OrgState, id: string, name: string, productTypes: string[], vlansEnabled: boolean): Network {
  const n: Network = { id, organizationId: o.organization.id, name, productTypes, timeZone: "America/Los_Angeles", tags: [], notes: "", vlansEnabled };
  o.networks[id] = n;
  return n;
}

let macSeq = 0;
function mac(): string {
  macSeq++;
  const hex = macSeq.toString(16).padStart(6, "0");
  return `e0:55:3d:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4, 6)}`;
}

function device(o: OrgState, net: Network, serial: string, model: string, name: string, lanIp: string): Device {
  const productType = model.startsWith("MS") ? "switch" : model.startsWith("MX") ? "appliance" : "wireless";
  const d: Device = {
    serial,
    networkId: net.id,
    name,
    model,
    mac: mac(),
    lanIp,
    firmware: productType === "switch" ? "switch-16-9" : "wired-18-211",
    productType,
    tags: [],
    lat: 37.4180951010362,
    lng: -122.098531723022,
    address: "1600 Amphitheatre Pkwy, Mountain View, CA",
    notes: "",
    floorPlanId: null,
  };
  o.devices[serial] = d;
  if (productType === "switch") o.switchPorts[serial] = portLayout(model).map((p): SwitchPort => defaultPort(p.portId));
  return d;
}

function world(orgs: OrgState[], apiKeys: World["apiKeys"]): World {
  return { apiKeys, organizations: Object.fromEntries(orgs.map((o) => [o.organization.id, o])), nextId: FIRST_ID };
}

function addDefaultVlan(w: World, o: OrgState, networkId: string): void {
  o.vlans[networkId] = { "1": defaultVlan(o.networks[networkId], 1, String(w.nextId++)) };
}

export function demoWorld(): World {
  macSeq = 0;
  const a = org("1234567", "Documentation Example Org");
  const branch = network(a, "L_000000000000000", "Branch Office", ["appliance", "switch"], true);
  device(a, branch, "Q2MX-0000-0001", "MX84", "Branch MX", "192.168.128.1");
  device(a, branch, "AAAA-BBBB-CCCC", "MS225-48LP", "Switch A", "192.168.128.2");
  device(a, branch, "DDDD-EEEE-FFFF", "MS225-48LP", "Switch B", "192.168.128.3");

  const b = org("1234567890", "Documentation curl Org");
  const site = network(b, "L_123456789000000", "curl Example Site", ["switch"], false);
  device(b, site, "QXXX-XXXX-XXXX", "MS120-48LP", "curl Example Switch", "10.0.0.2");

  const w = world([a, b], [{ key: DEMO_API_KEY, organizationIds: [a.organization.id, b.organization.id] }]);
  addDefaultVlan(w, a, branch.id);
  return w;
}

/**
 * A campus: a core network with the MX (VLANs enabled) and switches spread round-robin over
 * the core and the building networks (at least three networks, about ten switches each).
 */
export function campusWorld(switches = 10): World {
  macSeq = 0;
  const o = org("2930418", "Campus");
  const core = network(o, "L_646829496481105433", "Campus Core", ["appliance", "switch"], true);
  device(o, core, "Q2CA-MX00-0001", "MX250", "Core MX", "10.0.0.1");
  const networks = Math.max(3, Math.ceil(switches / 10));
  const nets = [core];
  for (let b = 1; b < networks; b++) nets.push(network(o, `L_6468294964811${String(5433 + b).padStart(5, "0")}`, `Building ${b}`, ["switch"], false));
  for (let s = 1; s <= switches; s++) {
    const n = String(s).padStart(4, "0");
    device(o, nets[(s - 1) % networks], `Q2CA-MS${n.slice(0, 2)}-${n}`, "MS225-48LP", `Access Switch ${s}`, `10.1.${Math.floor(s / 250)}.${(s % 250) + 2}`);
  }
  // A branch bound to a configuration template: VLANs by cidr/mask (docs/emulator.md, "Template-bound networks").
  const branch = network(o, "L_646829496481199001", "Retail Branch (template)", ["appliance"], true);
  branch.isBoundToConfigTemplate = true;
  branch.configTemplateId = "L_646829496481199000";
  device(o, branch, "Q2CA-MX00-0101", "MX68", "Branch MX", "192.168.128.1");
  const w = world([o], [{ key: CAMPUS_API_KEY, organizationIds: [o.organization.id] }]);
  addDefaultVlan(w, o, core.id);
  addDefaultVlan(w, o, branch.id);
  return w;
}

export function emptyWorld(): World {
  return world([org("100000", "Empty Org")], [{ key: EMPTY_API_KEY, organizationIds: ["100000"] }]);
}

export function loadSeed(seed: string, opts: { switches?: number } = {}): World {
  switch (seed) {
    case "demo":
      return demoWorld();
    case "campus":
      return campusWorld(opts.switches);
    case "empty":
      return emptyWorld();
    default:
      return loadWorldFile(seed);
  }
}

/** Reads a world saved by `--state` (or written by hand in the same shape). */
export function loadWorldFile(file: string): World {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read seed file ${file}: ${(err as Error).message}`);
  }
  const w = parsed as World;
  if (!w || typeof w !== "object" || !Array.isArray(w.apiKeys) || typeof w.organizations !== "object" || typeof w.nextId !== "number") {
    throw new Error(`seed file ${file} is not an emulator world (expected apiKeys, organizations and nextId)`);
  }
  return w;
}

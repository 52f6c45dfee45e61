/**
 * Import of the campus seed (10 MS225-48LP switches, 48 access ports and 4 uplinks each, and a
 * branch bound to a configuration template), as it ships and with examples/campus applied: one
 * request per collection, measured from the emulator's request log, and a program that groups the
 * ports as the example does, declares the template VLAN by cidr and mask, compiles and plans with
 * no changes.
 */
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { campusSerial } from "../helpers/engine";
import { readDir, removeWorkDirs, run, typeErrors, workDir } from "./support";

const ORG = "2930418";
const CORE = "L_646829496481105433";
const BRANCH = "L_646829496481199001"; // bound to a configuration template
const SWITCHES = Array.from({ length: 10 }, (_, i) => campusSerial(i + 1));

let t: TestEmulator;
const programs: string[] = [];

beforeAll(async () => {
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
});
afterAll(async () => {
  await t?.close();
  removeWorkDirs();
});

/** Imports and returns the requests the import made, without the /api/v1 prefix. */
async function importCampus(dir: string): Promise<{ stdout: string; requests: string[] }> {
  await t.control.clearRequests();
  const r = await run(["import", dir, "--base-url", t.emu.url, "--org", ORG], CAMPUS_API_KEY);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  const requests = (await t.control.requests()).map((q) => `${q.method} ${q.path.replace(/^\/api\/v[01]/, "")}`);
  return { stdout: r.stdout, requests };
}

/**
 * One request per collection: the organization's networks and devices, the VLAN settings and
 * VLANs of each network with an appliance, each switch's ports (per switch: an import needs every
 * field, which the organization-wide bySwitch list does not carry), each switch network's access
 * policies and link aggregations, each switch's layer 3 interfaces and static routes (none here,
 * so no DHCP settings to read).
 */
const SWITCH_NETWORKS = [CORE, "L_646829496481105434", "L_646829496481105435"];
const EXPECTED_READS = [
  `GET /organizations/${ORG}/networks`,
  `GET /organizations/${ORG}/devices`,
  ...[CORE, BRANCH].flatMap((n) => [`GET /networks/${n}/appliance/vlans/settings`, `GET /networks/${n}/appliance/vlans`]),
  ...SWITCHES.map((s) => `GET /devices/${s}/switch/ports`),
  ...SWITCH_NETWORKS.flatMap((n) => [`GET /networks/${n}/switch/accessPolicies`, `GET /networks/${n}/switch/linkAggregations`]),
  ...SWITCHES.flatMap((s) => [`GET /devices/${s}/switch/routing/interfaces`, `GET /devices/${s}/switch/routing/staticRoutes`]),
].sort();

/** The branch's VLAN 1, as a template VLAN: the API picks its subnet from cidr. */
const BRANCH_VLAN_1 = [
  'new meraki.Vlan("retail-branch-template-vlan-1", {',
  "  networkId: retailBranchTemplateVlans.networkId,",
  "  vlanId: 1,",
  '  name: "Default",',
  '  templateVlanType: "same",',
  '  cidr: "192.168.128.0/24",',
  "  mask: 24,",
  "  adopt: true,",
  "}, { retainOnDelete: true });",
].join("\n");

test("the campus seed as it ships: one request per collection, VLANs on in both networks with an MX, VLAN 1 of each declared, 520 untouched ports left out, no changes", async () => {
  const dir = path.join(workDir("campus-seed"), "campus");
  const { stdout, requests } = await importCampus(dir);
  expect(requests.sort()).toEqual(EXPECTED_READS);
  expect(requests.filter((r) => /\/switch\/ports\/[^/]+$|\/appliance\/vlans\/\d+$/.test(r))).toEqual([]);
  expect(stdout).toContain("2 VLANs in 2 networks, 0 device tag sets, 0 ports, 12 device attribute sets.");
  const files = readDir(dir);
  expect(files["README.md"]).toContain("520 ports at factory defaults");
  expect(files["README.md"]).toContain("- subnet and applianceIp: on a network bound to a configuration template the API picks them from cidr and mask (L_646829496481199001 (Retail Branch (template)))");
  expect(files["index.ts"]).toContain(BRANCH_VLAN_1);
  expect(files["index.ts"]).toContain('const campusCoreVlans = new meraki.VlansSettings("campus-core-vlans-settings", {\n  networkId: campusCore,\n  vlansEnabled: true,\n});');
  const p = await run(["plan", dir, "--detailed-exitcode"], CAMPUS_API_KEY);
  expect(p.code).toBe(0);
  programs.push(path.join(dir, "index.ts"));
});

test("the campus seed with examples/campus applied: the same reads; the ports grouped as the example writes them; no changes", async () => {
  const applied = await run(["apply", "examples/campus", "--base-url", t.emu.url, "--yes"], CAMPUS_API_KEY);
  expect(applied.code).toBe(0);
  const dir = path.join(workDir("campus-example"), "campus");
  const { stdout, requests } = await importCampus(dir);
  expect(requests.sort()).toEqual(EXPECTED_READS);
  expect(stdout).toContain("5 VLANs in 2 networks, 0 device tag sets, 480 ports of 10 switches, 12 device attribute sets.");
  const index = readDir(dir)["index.ts"];
  expect(index).toContain(BRANCH_VLAN_1);
  // Per switch: the desks as one call with a name pattern, the IoT ports as one, the two uplinks single.
  for (const [i, serial] of SWITCHES.entries()) {
    const n = i + 1;
    const constant = `accessSwitch${n}`;
    expect(index).toContain(`const ${constant} = "${serial}"; // Access Switch ${n}, MS225-48LP`);
    expect(index).toContain(
      `meraki.switchPorts("access-switch-${n}-b${Math.ceil(n / 4)}-sw${n}-d", { serial: ${constant}, ports: "1-40" }, (port) => ({\n  name: \`B${Math.ceil(n / 4)}-SW${n}-D\${port}\`,\n  vlan: 100,\n  voiceVlan: 200,\n  stpGuard: "bpdu guard",\n  stormControlEnabled: true,\n}));`,
    );
    expect(index).toContain(
      `meraki.switchPorts("access-switch-${n}-iot", { serial: ${constant}, ports: "41-46" }, {\n  name: "IoT",\n  vlan: 300,\n  accessPolicyType: "Sticky MAC allow list",\n  stickyMacAllowListLimit: 2,\n});`,
    );
    expect(index).toContain(`new meraki.SwitchPort("access-switch-${n}-port-47", {`);
    expect(index).toContain(`new meraki.SwitchPort("access-switch-${n}-port-48", {`);
  }
  // 2 VLAN settings, 5 VLANs, 12 devices' attributes, 4 port declarations per switch.
  expect(index.match(/^(const \w+ = )?(new meraki\.|meraki\.switchPorts)/gm)).toHaveLength(2 + 5 + 12 + 10 * 4);
  const p = await run(["plan", dir, "--detailed-exitcode", "--json"], CAMPUS_API_KEY);
  expect(p.code).toBe(0);
  expect(JSON.parse(p.stdout).summary).toMatchObject({ noop: 2 + 5 + 12 + 480, actions: 0 });
  programs.push(path.join(dir, "index.ts"));
});

test("the programs compile with the project's TypeScript settings", () => {
  expect(programs).toHaveLength(2);
  expect(typeErrors(programs)).toEqual([]);
});

/**
 * `meraki-batch import` as a command: where it refuses to write, what it says it left out,
 * selections, progress on a terminal and in a log, and errors that leave nothing behind.
 */
import * as fs from "fs";
import * as path from "path";
import { PassThrough } from "stream";
import { run as importCommand } from "../../cli/commands/import";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { VLAN_DEFAULTS } from "../../lib/vlan-defaults";
import { TestEmulator, testEmulator } from "../helpers/api";
import { readDir, removeWorkDirs, run, workDir } from "./support";

const ORG = "1234567";
const NET = "L_000000000000000";
const MX = "Q2MX-0000-0001";
const SW_A = "AAAA-BBBB-CCCC";

let t: TestEmulator;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
});
beforeEach(async () => {
  await t.control.reset();
});
afterAll(async () => {
  await t?.close();
  removeWorkDirs();
});

const importTo = (dir: string, ...args: string[]) => run(["import", dir, "--base-url", t.emu.url, "--org", ORG, ...args], DEMO_API_KEY);
const requests = async () => (await t.control.requests()).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, "")}`);

test("a directory that is not empty is refused before anything is read; --force writes the program and leaves other files alone", async () => {
  const dir = workDir("force");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "notes.txt"), "mine\n");
  fs.writeFileSync(path.join(dir, "index.ts"), "// old\n");
  const refused = await importTo(dir);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toBe(`error: ${dir} is not empty\nhint: pick a new directory, or add --force to write the program's files into it (other files are left alone)\n`);
  expect(await requests()).toEqual([]);
  expect(readDir(dir)).toEqual({ "index.ts": "// old\n", "notes.txt": "mine\n" });

  const forced = await importTo(dir, "--force");
  expect(forced.code).toBe(0);
  const files = readDir(dir);
  expect(Object.keys(files)).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "README.md", "index.ts", "notes.txt", "package.json", "tsconfig.json"]);
  expect(files["notes.txt"]).toBe("mine\n");
  expect(files["index.ts"]).toContain('import * as meraki from "meraki-batch";');
});

test("bad arguments: a file as the directory, unknown kinds, a bad stack name, unknown ids; nothing is written", async () => {
  const file = path.join(workDir("file"), "f");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  expect((await importTo(file)).stderr).toBe(`error: ${file} exists and is not a directory\n`);

  const dir = workDir("bad");
  const kinds = await importTo(dir, "--kinds", "vlans,acls");
  expect([kinds.code, kinds.stderr]).toEqual([2, "error: --kinds must be a comma-separated list of vlans, tags, ports, devices, policies, aggregations, routing, got 'acls'\n"]);
  const stack = await importTo(dir, "--stack", "prod/eu");
  expect([stack.code, stack.stderr]).toEqual([2, "error: --stack 'prod/eu' is not a stack name (letters, digits, '-', '_' and '.')\n"]);
  const network = await importTo(dir, "--network", "L_999");
  expect([network.code, network.stderr]).toEqual([1, `error: network L_999 is not in organization ${ORG} (or not visible to this API key)\n`]);
  const both = await importTo(dir, "--network", NET, "--serial", "QXXX-XXXX-XXXX");
  expect(both.stderr).toBe(`error: device QXXX-XXXX-XXXX is not in organization ${ORG} (or not visible to this API key)\n`);
  const key = await run(["import", dir, "--base-url", t.emu.url, "--org", ORG], "b".repeat(40));
  expect(key.code).toBe(1);
  expect(key.stderr).toContain("hint: check MERAKI_DASHBOARD_API_KEY");
  expect(fs.existsSync(dir)).toBe(false);
  expect(fs.readdirSync(path.dirname(dir)).filter((f) => f.includes("bad"))).toEqual([]);
});

test("selections: --serial of a device that is not a switch is named; --kinds limits both the reads and the program", async () => {
  await t.api.put(`/devices/${MX}`, { tags: ["edge"] });
  await t.api.put(`/devices/${SW_A}/switch/ports/3`, { vlan: 7 });
  const dir = workDir("mx");
  await t.control.clearRequests();
  const mx = await importTo(dir, "--serial", MX, "--kinds", "tags,ports");
  expect(mx.code).toBe(0);
  expect(mx.stdout).toContain(`  - ports: not a switch (${MX}: MX84 appliance)\n`);
  expect((await requests()).sort()).toEqual([`GET /organizations/${ORG}/devices`, `GET /organizations/${ORG}/networks`]);
  const index = readDir(dir)["index.ts"];
  expect(index).toContain(`new meraki.DeviceTags("branch-mx-tags", { serial: branchMX, tags: ["edge"] });`);
  expect(index).not.toContain("SwitchPort");
  expect(index).not.toContain("Vlan(");

  const vlansOnly = workDir("vlans");
  await t.control.clearRequests();
  expect((await importTo(vlansOnly, "--kinds", "vlans")).code).toBe(0);
  expect((await requests()).filter((r) => r.includes("switch/ports"))).toEqual([]);
  expect(readDir(vlansOnly)["index.ts"]).not.toMatch(/DeviceTags|SwitchPort|switchPorts/);
  expect(readDir(vlansOnly)["README.md"]).toContain("- Selection: --kinds vlans.");
});

test("what the network holds but the program cannot say is named, with the reason and where; the program still plans with no changes", async () => {
  await t.api.put(`/devices/${SW_A}/switch/ports/7`, { type: "trunk", allowedVlans: "1,5" });
  await t.api.put(`/devices/${SW_A}/switch/ports/7`, { type: "access" });
  await t.api.put(`/devices/${SW_A}/switch/ports/8`, { profile: { enabled: true, id: "1234", color: "blue" } });
  const dir = workDir("left-out");
  const r = await importTo(dir);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`  - allowedVlans "1,5": can only be set on trunk ports (this port is access); the API keeps it but would not take it (${SW_A} port 7)\n`);
  expect(r.stdout).toContain(`  - port field 'profile.color': the SDK has no property for it (${SW_A} port 8)\n`);
  expect(r.stdout).toContain("  - switch port fields linkNegotiationCapabilities, schedule, adaptivePolicyGroup, mirror, module, stackwiseVirtual: read-only\n");
  const files = readDir(dir);
  expect(files["README.md"]).toContain(`- allowedVlans "1,5": can only be set on trunk ports (this port is access); the API keeps it but would not take it (${SW_A} port 7)`);
  expect(files["index.ts"]).toContain(`new meraki.SwitchPort("switch-a-port-8", { serial: switchA, portId: "8", profile: { enabled: true, id: "1234" } });`);
  const plan = await run(["plan", dir, "--detailed-exitcode"], DEMO_API_KEY);
  expect(plan.code).toBe(0);
});

test("a value the API does not return is written as assumed and named to check: an IPv6 prefix assignment's disabled", async () => {
  const ipv6 = { enabled: true, prefixAssignments: [{ disabled: false, staticPrefix: "2001:db8:30::/64", staticApplianceIp6: "2001:db8:30::1", origin: { type: "internet", interfaces: ["wan0"] } }] };
  expect((await t.api.post(`/networks/${NET}/appliance/vlans`, { id: "30", name: "V6", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1", ipv6 })).status).toBe(201);
  const dir = workDir("check");
  const r = await importTo(dir, "--kinds", "vlans");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`To check:\n  - disabled of IPv6 prefix assignments: the API does not return it and requires it on write: written as false (in use) (VLAN 30 on ${NET})\n`);
  const files = readDir(dir);
  expect(files["README.md"]).toContain(`## To check\n\n- disabled of IPv6 prefix assignments: the API does not return it and requires it on write: written as false (in use) (VLAN 30 on ${NET})\n`);
  expect(files["index.ts"]).toContain('prefixAssignments: [');
  expect(files["index.ts"]).toContain('disabled: false,');
  expect((await run(["plan", dir, "--detailed-exitcode"], DEMO_API_KEY)).code).toBe(0);
});

test("a network with VLANs off: its VlansSettings says so, no VLAN list is read, and the program plans with no changes", async () => {
  expect((await t.api.put(`/networks/${NET}/appliance/vlans/settings`, { vlansEnabled: false })).status).toBe(200);
  const dir = workDir("vlans-off");
  await t.control.clearRequests();
  const r = await importTo(dir);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Imported organization 1234567 from");
  expect(r.stdout).toContain(": 0 VLANs, VLANs off in 1 network, 0 device tag sets, 0 ports, 3 device attribute sets.");
  expect((await requests()).filter((q) => q.includes("/appliance/"))).toEqual([`GET /networks/${NET}/appliance/vlans/settings`]);
  expect(readDir(dir)["index.ts"]).toContain(
    `// VLANs are off on Branch Office: its MX has a single LAN\nnew meraki.VlansSettings("branch-office-vlans-settings", { networkId: branchOffice, vlansEnabled: false });\n`,
  );
  const plan = await run(["plan", dir, "--detailed-exitcode", "--json"], DEMO_API_KEY);
  expect(plan.code).toBe(0);
  expect(JSON.parse(plan.stdout).summary).toMatchObject({ noop: 4, actions: 0 });
});

test("progress: a line per finished collection in a log; one redrawn line on a terminal", async () => {
  const log = await importTo(workDir("log"));
  expect(log.stdout.split("\n").filter((l) => l.startsWith("Read "))).toEqual(
    expect.arrayContaining(["Read the organization's networks", "Read the organization's devices", "Read the VLANs of 1 network", "Read the ports of 2 switches"]),
  );

  const out = new PassThrough();
  let text = "";
  out.on("data", (d) => (text += d));
  const stdout = Object.assign(out, { isTTY: true, columns: 120 });
  const code = await importCommand([workDir("tty"), "--base-url", t.emu.url, "--org", ORG], {
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, NO_COLOR: "1" },
  });
  expect(code).toBe(0);
  const frames = text.split("\r\u001b[2K").slice(1);
  expect(frames.length).toBeGreaterThanOrEqual(4);
  expect(frames[frames.length - 1]).toMatch(/^Reading organization 1234567: .*ports 2\/2.*\nImported organization/s);
  expect(text).not.toContain("Read the organization's networks");
});

test("the VLAN defaults the importer leaves out are what a VLAN created with only its required fields holds", async () => {
  const created = await t.api.post(`/networks/${NET}/appliance/vlans`, { id: 42, name: "New", subnet: "10.42.0.0/24", applianceIp: "10.42.0.1" });
  expect(created.status).toBe(201);
  const vlan = (await t.api.get(`/networks/${NET}/appliance/vlans/42`)).body;
  for (const [field, value] of Object.entries(VLAN_DEFAULTS)) expect([field, vlan[field]]).toEqual([field, value]);
});

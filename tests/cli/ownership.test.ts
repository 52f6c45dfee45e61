/**
 * What a program owns, as the CLI shows and applies it (ARCHITECTURE §18): live objects in its
 * scope that it does not declare are a note, never a change; a VlanOwnership makes a network's
 * undeclared VLANs deletes that are reviewed, digested and applied like any change; a port on a
 * VLAN declared nowhere and absent from the appliance is a warning, not an error.
 */
import * as fs from "fs";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { NET, SW_A, TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";
import { IMPORT_MERAKI, removeTempPrograms, tempProgram } from "../helpers/programs";

let t: TestEmulator;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: "1234567", MERAKI_BATCH_DEBUG: undefined };
});
afterEach(async () => {
  await t.close();
  removeTempPrograms();
});

const subnet = (id: number) => (id === 1 ? "192.168.128" : `10.0.${id}`); // VLAN 1 as the demo seed has it
const vlan = (id: number, name: string) => `new meraki.Vlan("${name.toLowerCase()}", { networkId: "${NET}", vlanId: ${id}, name: "${name}", subnet: "${subnet(id)}.0/24", applianceIp: "${subnet(id)}.1", adopt: true });`;
const program = (...lines: string[]) => tempProgram("owned", { "index.ts": [IMPORT_MERAKI, "", ...lines, ""].join("\n") });
const createVlan = async (id: number, name: string) => expect((await t.api.post(`/networks/${NET}/appliance/vlans`, { id: String(id), name, subnet: `10.0.${id}.0/24`, applianceIp: `10.0.${id}.1` })).status).toBe(201);
const liveVlans = async () => ((await t.api.get(`/networks/${NET}/appliance/vlans`)).body as Array<{ id: number }>).map((v) => v.id);
const writes = async () => (await t.control.requests()).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

describe("without a declaration: a note, never a change", () => {
  test("live VLANs of a network the program declares VLANs on, and ports with settings no resource manages", async () => {
    await createVlan(30, "Guest");
    await createVlan(40, "Lab");
    expect((await t.api.put(`/devices/${SW_A}/switch/ports/45`, { name: "Printer", vlan: 30 })).status).toBe(200);
    expect((await t.api.put(`/devices/${SW_A}/switch/ports/46`, { poeEnabled: false })).status).toBe(200);
    const dir = program(
      vlan(1, "Default"),
      vlan(30, "Guest"),
      `new meraki.SwitchPort("printer", { serial: "${SW_A}", portId: "45", vlan: 30 });`,
    );
    const r = await cli(["plan", dir, "--detailed-exitcode"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      [
        "No changes. The live network matches the program.",
        "",
        "Not declared by the program, left alone:",
        `  network ${NET}: VLAN 40`,
        `  switch ${SW_A}: ports 45-46 (name, poeEnabled)`,
        "  (declare them, or a VlanOwnership for the network to have its undeclared VLANs deleted)",
        "",
      ].join("\n"),
    );
    const json = JSON.parse((await cli(["plan", dir, "--json"], { env })).stdout);
    expect(json.summary).toMatchObject({ delete: 0, actions: 0 });
    expect(json.ownership).toEqual({
      owned: [],
      undeclared: [
        { kind: "vlans", scope: NET, ids: ["40"] },
        { kind: "ports", scope: SW_A, ids: ["45", "46"], fields: ["name", "poeEnabled"] },
      ],
      warnings: [],
    });
    // The plans wrote nothing: only the test's own changes are in the log.
    expect(await writes()).toEqual([`POST /api/v1/networks/${NET}/appliance/vlans`, `POST /api/v1/networks/${NET}/appliance/vlans`, `PUT /api/v1/devices/${SW_A}/switch/ports/45`, `PUT /api/v1/devices/${SW_A}/switch/ports/46`]);
  });

  test("a port on a VLAN declared nowhere and absent from the appliance: a warning, and the plan goes on", async () => {
    const dir = program(vlan(1, "Default"), `meraki.switchPorts("desks", { serial: "${SW_A}", ports: "2-5" }, { vlan: 77, voiceVlan: 1 });`, `new meraki.SwitchPort("cam", { serial: "${SW_A}", portId: "6", vlan: 78 });`);
    const r = await cli(["plan", dir, "--detailed-exitcode"], { env });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(
      [
        `warning: ports 2-5 of switch ${SW_A}: vlan 77 is declared nowhere in the program and is not a VLAN of network ${NET}'s appliance`,
        `warning: port 6 of switch ${SW_A}: vlan 78 is declared nowhere in the program and is not a VLAN of network ${NET}'s appliance`,
      ].join("\n"),
    );
    // Declared in the program (or live on the appliance): no warning.
    const fine = program(vlan(1, "Default"), vlan(77, "Cameras"), `meraki.switchPorts("desks", { serial: "${SW_A}", ports: "2-5" }, { vlan: 77 });`);
    expect((await cli(["plan", fine], { env })).stdout).not.toContain("warning:");
  });
});

describe("VlanOwnership: the network's undeclared VLANs are deletes", () => {
  const OWNED = [`new meraki.VlanOwnership("branch-vlans", { networkId: "${NET}" });`, vlan(1, "Default"), vlan(30, "Guest")];

  test("planned, shown and applied as deletes; a second plan is empty", async () => {
    await createVlan(30, "Guest");
    await createVlan(40, "Lab");
    await createVlan(50, "Old");
    const dir = program(...OWNED);
    const r = await cli(["plan", dir, "--detailed-exitcode"], { env });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("Plan for organization 1234567: 2 resources to change (0 to create, 0 to update, 2 to delete), 2 unchanged");
    expect(r.stdout).toContain(
      [
        "  - Vlan undeclared-vlan-40 (VLAN 40): deleted; was",
        '      name "Lab"',
        '      subnet "10.0.40.0/24"',
        '      applianceIp "10.0.40.1"',
        `      note: not declared by the program, and VlanOwnership 'branch-vlans' makes every VLAN of network ${NET} the program's`,
      ].join("\n"),
    );
    expect(r.stdout).toContain(["Owned by the program:", `  network ${NET} (VlanOwnership branch-vlans): the VLANs it does not declare are deleted`].join("\n"));
    expect(r.stdout).toContain(`#1  2 actions, synchronous: 2 Vlan destroys\n        1. destroy /networks/${NET}/appliance/vlans/40\n        2. destroy /networks/${NET}/appliance/vlans/50\n`);
    expect(r.stdout).not.toContain("Not declared by the program, left alone");

    await t.control.clearRequests();
    const applied = await cli(["apply", dir, "--yes"], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("Applied: 2 applied");
    expect(await liveVlans()).toEqual([1, 30]);
    expect((await cli(["plan", dir, "--detailed-exitcode"], { env })).code).toBe(0);
  });

  test("a saved plan is the contract: its deletes are in the digest, a VLAN created since is not deleted, one deleted meanwhile leaves it applied", async () => {
    await createVlan(40, "Lab");
    const dir = program(...OWNED.slice(0, 2));
    const out = path.join(dir, "plan.json");
    expect((await cli(["plan", dir, "--out", out], { env })).code).toBe(0);
    const saved = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(saved.deletes).toEqual([
      expect.objectContaining({ kind: "vlan", name: "undeclared-vlan-40", props: expect.objectContaining({ networkId: NET, vlanId: 40 }), reason: expect.stringContaining("VlanOwnership 'branch-vlans'") }),
    ]);

    // Edited: a delete dropped from the file is refused before anything is sent.
    const edited = path.join(dir, "edited.json");
    fs.writeFileSync(edited, JSON.stringify({ ...saved, deletes: [] }));
    await t.control.clearRequests();
    const refused = await cli(["apply", "--plan", edited, "--yes"], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*edited\.json is not the plan that was made; nothing was sent/);
    expect(await t.control.requests()).toEqual([]);

    // VLAN 41 appears after the review: the reviewed plan deletes what it showed, and only that.
    await createVlan(41, "Later");
    const applied = await cli(["apply", "--plan", out, "--yes"], { env });
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    expect(await liveVlans()).toEqual([1, 41]);
    const next = await cli(["plan", dir], { env });
    expect(next.stdout).toContain("- Vlan undeclared-vlan-41 (VLAN 41): deleted");

    // A VLAN the plan deletes is gone already: the network is what the plan makes it (issue #21.3),
    // so the apply says so, sends nothing and exits 0.
    const again = path.join(dir, "again.json");
    expect((await cli(["plan", dir, "--out", again], { env })).code).toBe(0);
    expect((await t.api.del(`/networks/${NET}/appliance/vlans/41`)).status).toBe(204);
    await t.control.clearRequests();
    const done = await cli(["apply", "--plan", again, "--yes"], { env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("Already applied");
    expect(await writes()).toEqual([]);
    // Another VLAN the plan did not show appears: that one is not deleted by it.
    await createVlan(42, "Other");
    const stale = await cli(["apply", "--plan", again, "--yes"], { env });
    expect(stale.code).toBe(0);
    expect(await liveVlans()).toEqual([1, 42]);
  });

  test("a network not in the organization is refused by name; a declaration without a network too", async () => {
    const dir = program(`new meraki.VlanOwnership("elsewhere", { networkId: "L_999" });`, vlan(1, "Default"));
    const r = await cli(["plan", dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("VlanOwnership 'elsewhere' (network L_999): networkId: network L_999 is not in organization 1234567 (or not visible to this API key)");
    const js = tempProgram("owned-js", { "index.js": `const meraki = require(${JSON.stringify(path.resolve(__dirname, "..", ".."))});\nnew meraki.VlanOwnership("nothing", {});\n` });
    const none = await cli(["plan", js], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("VlanOwnership 'nothing': networkId: is required (the network whose VLANs the program owns)");
  });
});

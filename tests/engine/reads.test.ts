/**
 * What the engine reads to make a plan (ARCHITECTURE §12, issue #12.1-2), from the emulator's
 * request log: switch ports through the organization-wide bySwitch list when every field the
 * plan needs is in its subset (⌈switches/50⌉ requests), per switch otherwise; a diff never
 * compares a field that was not read; one read per collection, following every page; nothing the
 * plan does not need.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { DashboardClient, LiveCache, LiveSnapshot, ResourceSpec, ValidationError, liveNeeds, makePlan, validate } from "../../provider";
import { readRequests } from "../../provider/live/read";
import { soleOrganization } from "../../provider/dashboard/organizations";
import { BY_SWITCH_PORT_FIELDS } from "../../provider/live/snapshot";
import { testEmulator } from "../helpers/api";
import { EngineSetup, NET, SW_A, SW_B, engineSetup } from "../helpers/engine";

const serial = (n: number) => `Q2CA-MS${String(n).padStart(4, "0").slice(0, 2)}-${String(n).padStart(4, "0")}`;
const BY_SWITCH = "/api/v1/organizations/2930418/switch/ports/bySwitch";
const port = (sw: number, p: number, props: Record<string, unknown> = {}): ResourceSpec => ({ kind: "switchPort", name: `sw${sw}-p${p}`, props: { serial: serial(sw), portId: String(p), ...props } });

let s!: EngineSetup;
const opened: EngineSetup[] = [];
const start = async (opts: Parameters<typeof engineSetup>[0] = {}) => {
  s = await engineSetup(opts);
  opened.push(s);
};
afterEach(async () => {
  await Promise.all(opened.splice(0).map((o) => o.close()));
});

const reads = async () => (await s.control.requests()).filter((r) => r.method === "GET").map((r) => `${r.path}${r.query}`);

describe("switch ports through bySwitch", () => {
  test("120 switches, every field in the subset: 3 requests of at most 50 serials, nothing else read", async () => {
    await start({ seed: "campus", switches: 120 });
    const specs: ResourceSpec[] = [];
    for (let sw = 1; sw <= 120; sw++) for (const p of [1, 2]) specs.push(port(sw, p, { name: `Desk ${sw}-${p}`, vlan: 20, tags: ["desk"], poeEnabled: true, stpGuard: "bpdu guard" }));
    const plan = await s.engine.plan(specs);
    expect(plan.summary).toMatchObject({ update: 240, actions: 240 });

    const log = await s.control.requests();
    expect(log.map((r) => r.path)).toEqual([BY_SWITCH, BY_SWITCH, BY_SWITCH]);
    const asked = log.map((r) => new URLSearchParams(r.query).getAll("serials[]"));
    expect(asked.map((a) => a.length)).toEqual([50, 50, 20]);
    expect(asked.flat().sort()).toEqual(Array.from({ length: 120 }, (_, i) => serial(i + 1)).sort());
    expect(log.every((r) => new URLSearchParams(r.query).get("perPage") === "50")).toBe(true);
    // The count the benchmark's minimum uses agrees with what was read.
    expect(readRequests(liveNeeds(validate(specs).items), 121)).toBe(3);
  });

  test("the campus seed's 50 switches: one request for their ports, and the plan made again reads the same", async () => {
    await start({ seed: "campus", switches: 50 });
    const specs = Array.from({ length: 50 * 48 }, (_, i) => port(Math.floor(i / 48) + 1, (i % 48) + 1, { vlan: 30 }));
    expect((await s.engine.plan(specs)).summary.update).toBe(2400);
    expect(await reads()).toHaveLength(1);
    expect((await s.control.requests())[0].path).toBe(BY_SWITCH);
  });

  test("a managed field outside the subset reads that switch per switch and diffs it correctly; the others stay on bySwitch", async () => {
    await start({ seed: "campus", switches: 10 });
    const admin = s.client;
    // Drift made in the Dashboard: port 1 of switch 1 isolated, port 2 already as desired.
    await admin.put(`/devices/${serial(1)}/switch/ports/1`, { isolationEnabled: true });
    await admin.put(`/devices/${serial(1)}/switch/ports/3`, { udld: "Enforce" });
    await s.control.clearRequests();

    const plan = await s.engine.plan([
      port(1, 1, { isolationEnabled: false, vlan: 1 }),
      port(1, 2, { isolationEnabled: false }),
      port(1, 3, { udld: "Enforce", name: "Uplink" }),
      port(2, 1, { vlan: 40 }),
      port(3, 1, { vlan: 1 }),
    ]);
    const log = await reads();
    expect(log.filter((p) => p.includes("/switch/ports") && !p.includes("bySwitch"))).toEqual([`/api/v1/devices/${serial(1)}/switch/ports`]);
    const bySwitch = log.filter((p) => p.includes("bySwitch"));
    expect(bySwitch).toHaveLength(1);
    expect(new URLSearchParams(bySwitch[0].split("?")[1]).getAll("serials[]").sort()).toEqual([serial(2), serial(3)]);
    // The device list proves that the switch read per switch is this organization's.
    expect(log.filter((p) => p.startsWith("/api/v1/organizations/2930418/devices"))).toHaveLength(1);
    expect(log).toHaveLength(3);
    expect(readRequests(liveNeeds(validate(plan.resources).items), 11)).toBe(3);

    const byKey = Object.fromEntries(plan.changes.map((c) => [c.key, c]));
    expect(byKey[`switchPort/${serial(1)}/1`]).toMatchObject({ op: "update", fields: [{ path: "isolationEnabled", old: true, new: false }] });
    expect(byKey[`switchPort/${serial(1)}/2`].op).toBe("noop");
    expect(byKey[`switchPort/${serial(1)}/3`]).toMatchObject({ op: "update", fields: [{ path: "name", old: null, new: "Uplink" }] });
    expect(byKey[`switchPort/${serial(2)}/1`]).toMatchObject({ op: "update", fields: [{ path: "vlan", old: 1, new: 40 }] });
    expect(byKey[`switchPort/${serial(3)}/1`].op).toBe("noop");

    // Applied, the plan made again has nothing left to do.
    expect((await s.engine.apply(plan)).ok).toBe(true);
    expect((await s.engine.plan(plan.resources)).summary.actions).toBe(0);
  });

  /** A port's "Custom access policy" names one of its network's policies (issue #24): policies 1 and 2 are made first. */
  const twoPolicies = async (sw: number) => {
    const { networkId } = await s.client.get<{ networkId: string }>(`/devices/${serial(sw)}`);
    const policy = { radiusServers: [], radiusTestingEnabled: false, radiusCoaSupportEnabled: false, radiusAccountingEnabled: false, hostMode: "Single-Host", urlRedirectWalledGardenEnabled: false };
    for (const name of ["one", "two"]) await s.client.post(`/networks/${networkId}/switch/accessPolicies`, { name, ...policy });
  };

  test("a policy's required field that bySwitch does not carry is not judged when the port already has that policy", async () => {
    await start({ seed: "campus", switches: 10 });
    await twoPolicies(4);
    await s.client.put(`/devices/${serial(4)}/switch/ports/7`, { accessPolicyType: "Custom access policy", accessPolicyNumber: 2 });
    await s.client.put(`/devices/${serial(4)}/switch/ports/8`, { accessPolicyType: "MAC allow list", macAllowList: ["00:11:22:33:44:55"] });
    await s.control.clearRequests();
    // Only subset fields managed: bySwitch, and no "accessPolicyNumber is required" from the unread field.
    const plan = await s.engine.plan([port(4, 7, { vlan: 70 }), port(4, 8, { vlan: 80 })]);
    expect(plan.summary.update).toBe(2);
    expect((await reads()).every((p) => p.includes("bySwitch"))).toBe(true);
  });

  test("choosing a policy without its required field reads the switch in full, so the rule is judged on what is there", async () => {
    await start({ seed: "campus", switches: 10 });
    await twoPolicies(5);
    await s.client.put(`/devices/${serial(5)}/switch/ports/7`, { accessPolicyType: "Custom access policy", accessPolicyNumber: 2 });
    await s.control.clearRequests();
    // Port 7 has a number already: fine. Port 9 has none: refused before anything is sent.
    await expect(s.engine.plan([port(5, 7, { accessPolicyType: "Custom access policy" }), port(5, 9, { accessPolicyType: "Custom access policy" })])).rejects.toThrow(
      /port 9 of switch Q2CA-MS00-0005.*accessPolicyNumber: is required with accessPolicyType 'Custom access policy'/s,
    );
    expect(await reads()).toContain(`/api/v1/devices/${serial(5)}/switch/ports`);
    await s.control.clearRequests();
    expect((await s.engine.plan([port(5, 7, { accessPolicyType: "Custom access policy" })])).summary.noop).toBe(1);
  });

  test("managing linkNegotiation reads the switch per switch, so a value the port cannot do is refused before sending", async () => {
    await start({ seed: "campus", switches: 10 });
    const err = await s.engine.plan([port(6, 1, { linkNegotiation: "100 Gigabit full duplex (forced)" })]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/linkNegotiation: must be one of this port's capabilities: Auto negotiate, /);
    expect((await reads()).filter((p) => p.includes("/switch/ports"))).toEqual([`/api/v1/devices/${serial(6)}/switch/ports`]);
  });

  test("a serial bySwitch does not list is explained from the device list (read only then)", async () => {
    await start({ seed: "campus", switches: 10 });
    const err = await s.engine.plan([port(1, 1, { vlan: 5 }), { kind: "switchPort", name: "mx", props: { serial: "Q2CA-MX00-0001", portId: "1", vlan: 5 } }, { kind: "switchPort", name: "ghost", props: { serial: "Q2ZZ-0000-0000", portId: "1", vlan: 5 } }]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toMatch(/serial: device Q2CA-MX00-0001 is a MX250 \(appliance\), not a switch/);
    expect(err.message).toMatch(/serial: device Q2ZZ-0000-0000 is not in organization 2930418/);
    const log = await reads();
    expect(log.filter((p) => p.includes("bySwitch"))).toHaveLength(1);
    expect(log.filter((p) => p.startsWith("/api/v1/organizations/2930418/devices"))).toHaveLength(1);
  });

  test("a VLAN created in the plan still orders the ports of a switch read through bySwitch (its network comes with it)", async () => {
    await start();
    const plan = await s.engine.plan([
      { kind: "vlan", name: "v", props: { networkId: NET, vlanId: 30, name: "Thirty", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1" } },
      { kind: "switchPort", name: "a1", props: { serial: SW_A, portId: "1", vlan: 30 } },
    ]);
    const reads = (await s.control.requests()).map((r) => r.path);
    expect(reads.some((p) => p.endsWith("/switch/ports/bySwitch"))).toBe(true);
    expect(reads.some((p) => p.endsWith("/devices"))).toBe(false);
    expect(plan.changes.find((c) => c.kind === "switchPort")!.dependsOn).toEqual([`vlan/${NET}/30`]);
  });
});

describe("a diff never compares a field that was not read", () => {
  const live = (): LiveSnapshot => ({
    organizationId: "O",
    networks: null,
    devices: null,
    vlans: {},
    ports: { "S-1": { "1": { portId: "1", name: null, tags: [], enabled: true, poeEnabled: true, type: "access", vlan: 1, voiceVlan: null, allowedVlans: "1-1000", rstpEnabled: true, stpGuard: "disabled", linkNegotiation: "Auto negotiate", accessPolicyType: "Open" } } },
    portSources: { "S-1": { endpoint: "bySwitch", fields: BY_SWITCH_PORT_FIELDS, networkId: "N_1" } },
  });
  const planOf = (props: Record<string, unknown>) => {
    const { items, removals } = validate([{ kind: "switchPort", name: "p", props: { serial: "S-1", portId: "1", ...props } }]);
    return makePlan(items, removals, live());
  };

  test("a field the source lacks stops the plan instead of reading as null", () => {
    expect(() => planOf({ isolationEnabled: false, vlan: 1 })).toThrow(/isolationEnabled: cannot be compared: switch S-1's ports were read through the organization-wide bySwitch list, which does not carry 'isolationEnabled'/);
  });

  test("fields the source carries are compared as usual", () => {
    const plan = planOf({ vlan: 9, name: "x" });
    expect(plan.changes[0].fields.map((f) => f.path)).toEqual(["name", "vlan"]);
  });
});

describe("one read per collection, every page followed, nothing unneeded", () => {
  test("a plan of device tags reads the device list only; of ports only, no device list, networks or VLANs", async () => {
    await start();
    await s.engine.plan([{ kind: "deviceTags", name: "t", props: { serial: SW_A, tags: ["x"] } }]);
    expect((await s.control.requests()).map((r) => r.path)).toEqual(["/api/v1/organizations/1234567/devices"]);
    await s.control.clearRequests();
    await s.engine.plan([{ kind: "switchPort", name: "a", props: { serial: SW_A, portId: "1", vlan: 2 } }, { kind: "switchPort", name: "b", props: { serial: SW_B, portId: "1", vlan: 2 } }]);
    expect((await s.control.requests()).map((r) => r.path)).toEqual(["/api/v1/organizations/1234567/switch/ports/bySwitch"]);
  });

  test("an organization with more devices than a page holds (5000): the device list is read in two pages", async () => {
    await start();
    const world = structuredClone(s.emu.state.world);
    const org = world.organizations["1234567"];
    const template = org.devices[SW_A];
    for (let i = 0; i < 5001; i++) {
      const serialN = `Q2MR-${String(i).padStart(4, "0")}-0000`;
      org.devices[serialN] = { ...template, serial: serialN, model: "MR46", productType: "wireless", name: `AP ${i}` };
    }
    org.devices["ZZZZ-LAST-0001"] = { ...template, serial: "ZZZZ-LAST-0001", model: "MR46", productType: "wireless", tags: ["old"] };
    s.emu.state.replace(world);
    const plan = await s.engine.plan([{ kind: "deviceTags", name: "last", props: { serial: "ZZZZ-LAST-0001", tags: ["new"] } }]);
    expect(plan.changes[0]).toMatchObject({ op: "update", fields: [{ path: "tags", old: ["old"], new: ["new"] }] });
    const pages = (await s.control.requests()).filter((r) => r.path.endsWith("/devices"));
    expect(pages).toHaveLength(2);
    expect(new URLSearchParams(pages[0].query).get("perPage")).toBe("5000");
    expect(new URLSearchParams(pages[1].query).get("startingAfter")).toBeTruthy();
  });

  test("the key's only organization is found across pages of /organizations, and many are named, not all listed", async () => {
    const t = await testEmulator();
    try {
      const world = structuredClone(t.emu.state.world);
      const many = "k-many-orgs-000000000000000000000000";
      world.apiKeys.push({ key: many, organizationIds: [] });
      for (let i = 0; i < 9001; i++) {
        const id = String(500000 + i);
        world.organizations[id] = { organization: { id, name: `Org ${i}`, url: "https://n1.meraki.com/o/x" }, networks: {}, devices: {}, switchPorts: {}, vlans: {}, batches: {} };
        world.apiKeys[world.apiKeys.length - 1].organizationIds.push(id);
      }
      t.emu.state.replace(world);
      const client = new DashboardClient({ apiKey: many, baseUrl: t.emu.url, requestsPerSecond: 0 });
      const err = await soleOrganization(client, "set MERAKI_ORGANIZATION_ID").catch((e) => e);
      await client.close();
      expect(err.code).toBe("CONFIG_INVALID");
      expect(err.message).toMatch(/^the API key sees 9001 organizations: 500000 \(Org 0\), /);
      expect(err.message).toMatch(/… and 8991 more; set MERAKI_ORGANIZATION_ID$/);
      const orgReads = (await t.control.requests()).filter((r) => r.path === "/api/v1/organizations");
      expect(orgReads).toHaveLength(2);

      const one = new DashboardClient({ apiKey: DEMO_API_KEY, baseUrl: t.emu.url, requestsPerSecond: 0 });
      world.apiKeys[0].organizationIds = ["1234567"];
      t.emu.state.replace(world);
      expect(await soleOrganization(one, "x")).toBe("1234567");
      await one.close();
    } finally {
      await t.close();
    }
  });

  test("the Pulumi provider's refresh path (readLive through a shared cache) reads a switch once for many ports", async () => {
    await start({ seed: "campus", switches: 10 });
    const cache = new LiveCache();
    const specs = [port(1, 1, { vlan: 3 }), port(1, 2, { vlan: 3 }), port(2, 1, { vlan: 3 })];
    // As the provider's diff does: one plan per resource, concurrently, through one cache.
    const plans = await Promise.all(specs.map((spec) => s.engine.plan([spec], [], cache)));
    expect(plans.map((p) => p.summary.update)).toEqual([1, 1, 1]);
    const log = await reads();
    expect(log.every((p) => p.includes("bySwitch"))).toBe(true);
    const serialsRead = log.flatMap((p) => new URLSearchParams(p.split("?")[1]).getAll("serials[]"));
    expect(serialsRead.sort()).toEqual([serial(1), serial(2)]);
  });
});

/**
 * GET /organizations/{organizationId}/switch/ports/bySwitch against spec v1.42: Link pagination
 * (perPage 3–50, default 50), the filters, and ports carrying exactly the documented subset of
 * fields. Also the pagination of /organizations and /organizations/{id}/devices (issue #11.8).
 */
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { Api, Res, TestEmulator, testEmulator } from "../helpers/api";

const ORG = "2930418";
const BY_SWITCH = `/organizations/${ORG}/switch/ports/bySwitch`;
const serial = (n: number) => `Q2CA-MS${String(n).padStart(4, "0").slice(0, 2)}-${String(n).padStart(4, "0")}`;

/** The spec's subset (spec v1.42 getOrganizationSwitchPortsBySwitch), written out rather than imported. */
const SUBSET = [
  "portId", "name", "tags", "enabled", "poeEnabled", "type", "vlan", "voiceVlan", "allowedVlans",
  "rstpEnabled", "stpGuard", "linkNegotiation", "accessPolicyType", "stickyMacAllowList", "stickyMacAllowListLimit",
];

let t: TestEmulator;
let api: Api;
beforeAll(async () => {
  t = await testEmulator({ seed: "campus", switches: 120 });
  api = t.api.withKey(CAMPUS_API_KEY);
});
afterAll(() => t.close());

const rels = (res: Res) => Object.fromEntries([...(res.headers.get("link") ?? "").matchAll(/<([^>]+)>; rel=(\w+)/g)].map((m) => [m[2], m[1]]));

/** Follows rel=next from `path`; returns every page's body. */
async function pages(path: string): Promise<any[][]> {
  const out: any[][] = [];
  let next: string | undefined = path;
  while (next) {
    const res = await api.get(next);
    expect([next, res.status]).toEqual([next, 200]);
    out.push(res.body);
    next = rels(res).next;
    if (out.length > 200) throw new Error("pagination does not end");
  }
  return out;
}

describe("bySwitch pagination", () => {
  test("120 switches come in pages of 50 (the default) linked by rel=next, each switch once, in serial order", async () => {
    const first = await api.get(BY_SWITCH);
    const links = rels(first);
    expect(Object.keys(links).sort()).toEqual(["first", "last", "next"]);
    // Absolute URLs with unquoted rels, as the real API sends them.
    expect(links.next.startsWith(t.emu.url + BY_SWITCH)).toBe(true);
    const all = await pages(BY_SWITCH);
    expect(all.map((p) => p.length)).toEqual([50, 50, 20]);
    const serials = all.flat().map((s) => s.serial);
    expect(serials).toEqual(Array.from({ length: 120 }, (_, i) => serial(i + 1)));
  });

  test("perPage 3 gives 40 pages; following prev from the last page walks back", async () => {
    const all = await pages(`${BY_SWITCH}?perPage=3`);
    expect(all).toHaveLength(40);
    expect(all.flat()).toHaveLength(120);
    const last = await api.get(rels(await api.get(`${BY_SWITCH}?perPage=3`)).last);
    expect(last.body.map((s: any) => s.serial)).toEqual([serial(118), serial(119), serial(120)]);
    const prev = await api.get(rels(last).prev);
    expect(prev.body.map((s: any) => s.serial)).toEqual([serial(115), serial(116), serial(117)]);
  });

  test.each(["2", "51", "abc"])("perPage=%s is a 400 naming the range 3-50", async (perPage) => {
    const res = await api.get(`${BY_SWITCH}?perPage=${perPage}`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/'perPage' must be an integer between 3 and 50/);
  });

  test("filters are kept in the Link URLs", async () => {
    const net = "L_646829496481105433";
    const res = await api.get(`${BY_SWITCH}?perPage=3&networkIds[]=${net}`);
    const next = new URL(rels(res).next);
    expect(next.searchParams.getAll("networkIds[]")).toEqual([net]);
  });
});

describe("bySwitch items and the port field subset", () => {
  test("each item is {name, serial, mac, network{id,name}, model, ports}; only switches appear", async () => {
    const all = (await pages(BY_SWITCH)).flat();
    expect(all.some((s) => s.serial === "Q2CA-MX00-0001")).toBe(false);
    const device = (await api.get(`/devices/${serial(7)}`)).body;
    const item = all.find((s) => s.serial === serial(7));
    expect(Object.keys(item).sort()).toEqual(["mac", "model", "name", "network", "ports", "serial"]);
    expect(item).toMatchObject({ name: "Access Switch 7", serial: serial(7), mac: device.mac, model: "MS225-48LP" });
    const net = (await api.get(`/networks/${device.networkId}`)).body;
    expect(item.network).toEqual({ id: device.networkId, name: net.name });
    // Every port of the switch, its uplink module ports included.
    expect(item.ports).toHaveLength((await api.get(`/devices/${serial(7)}/switch/ports`)).body.length);
  });

  test("ports carry the subset and nothing else, with the same values as the per-switch read", async () => {
    const s = serial(3);
    // Port 4: a sticky MAC allow list (the only policy whose fields are in the subset) and fields outside it.
    const put = await api.put(`/devices/${s}/switch/ports/4`, {
      name: "Printer", tags: ["b", "a"], vlan: 20, voiceVlan: 30, isolationEnabled: true, udld: "Enforce", stormControlEnabled: true, daiTrusted: true,
      accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["34:56:fe:ce:8e:b0"], stickyMacAllowListLimit: 3,
    });
    expect(put.status).toBe(200);
    // Port 5: a MAC allow list, whose list is not in the subset.
    expect((await api.put(`/devices/${s}/switch/ports/5`, { accessPolicyType: "MAC allow list", macAllowList: ["34:56:fe:ce:8e:b1"] })).status).toBe(200);

    const item = (await api.get(`${BY_SWITCH}?serials[]=${s}`)).body[0];
    const full: any[] = (await api.get(`/devices/${s}/switch/ports`)).body;
    for (const port of item.ports) {
      for (const k of Object.keys(port)) expect([port.portId, k, SUBSET.includes(k)]).toEqual([port.portId, k, true]);
      const whole = full.find((p) => p.portId === port.portId);
      const expected = Object.fromEntries(SUBSET.filter((k) => whole[k] !== undefined).map((k) => [k, whole[k]]));
      expect(port).toEqual(expected);
    }
    const p4 = item.ports.find((p: any) => p.portId === "4");
    expect(Object.keys(p4).sort()).toEqual([...SUBSET].sort());
    expect(p4).toMatchObject({ name: "Printer", vlan: 20, voiceVlan: 30, accessPolicyType: "Sticky MAC allow list", stickyMacAllowList: ["34:56:fe:ce:8e:b0"], stickyMacAllowListLimit: 3 });
    for (const hidden of ["isolationEnabled", "udld", "stormControlEnabled", "daiTrusted", "portScheduleId", "linkNegotiationCapabilities", "profile", "mirror", "module"]) expect(p4).not.toHaveProperty(hidden);
    const p5 = item.ports.find((p: any) => p.portId === "5");
    expect(p5.accessPolicyType).toBe("MAC allow list");
    expect(p5).not.toHaveProperty("macAllowList");
    // A default port: the subset without the sticky fields, voiceVlan null.
    expect(Object.keys(item.ports[0]).sort()).toEqual(SUBSET.filter((k) => !k.startsWith("sticky")).sort());
    expect(item.ports[0].voiceVlan).toBeNull();
  });
});

describe("bySwitch filters", () => {
  const serialsOf = async (query: string) => (await pages(`${BY_SWITCH}?${query}`)).flat().map((s) => s.serial);

  test("serials[] (exact) and serial (contains)", async () => {
    expect(await serialsOf(`serials[]=${serial(2)}&serials[]=${serial(99)}&serials[]=Q2CA-NOPE`)).toEqual([serial(2), serial(99)]);
    expect(await serialsOf(`serials[]=${serial(2).toLowerCase()}`)).toEqual([]);
    expect(await serialsOf("serial=MS01-011")).toEqual(Array.from({ length: 10 }, (_, i) => serial(110 + i)));
  });

  test("networkIds[]", async () => {
    const devices: any[] = (await pages(`/organizations/${ORG}/devices?productTypes[]=switch&perPage=1000`)).flat();
    const net = devices.find((d) => d.serial === serial(5)).networkId;
    const expected = devices.filter((d) => d.networkId === net).map((d) => d.serial).sort();
    expect(expected.length).toBeGreaterThan(5);
    expect(await serialsOf(`networkIds[]=${net}`)).toEqual(expected);
    expect(await serialsOf("networkIds[]=L_none")).toEqual([]);
  });

  test("name (contains), mac (contains) and macs[] (exact)", async () => {
    expect(await serialsOf("name=Switch%2011")).toEqual([serial(11), ...Array.from({ length: 10 }, (_, i) => serial(110 + i))]);
    const mac = (await api.get(`/devices/${serial(42)}`)).body.mac as string;
    expect(await serialsOf(`macs[]=${mac}`)).toEqual([serial(42)]);
    expect(await serialsOf(`macs[]=${mac.slice(0, 8)}`)).toEqual([]);
    expect(await serialsOf(`mac=${mac.slice(-5)}`)).toContain(serial(42));
  });

  test("portProfileIds[]: only the ports bound to those profiles, switches without one left out", async () => {
    const s = serial(9);
    expect((await api.put(`/devices/${s}/switch/ports/12`, { profile: { enabled: true, id: "1284392014819", iname: "Phones" } })).status).toBe(200);
    const res = await api.get(`${BY_SWITCH}?portProfileIds[]=1284392014819`);
    expect(res.body.map((i: any) => [i.serial, i.ports.map((p: any) => p.portId)])).toEqual([[s, ["12"]]]);
    expect((await api.get(`${BY_SWITCH}?portProfileIds[]=999`)).body).toEqual([]);
  });

  test("configurationUpdatedAfter: switches whose ports changed after the time, by REST or by batch; no-op writes do not count", async () => {
    await t.control.advance(3600);
    const before = new Date(t.emu.clock.now()).toISOString();
    await t.control.advance(60);
    expect((await api.put(`/devices/${serial(20)}/switch/ports/1`, { name: "Uplink" })).status).toBe(200);
    // Writes the value the port already has.
    expect((await api.put(`/devices/${serial(21)}/switch/ports/1`, { enabled: true })).status).toBe(200);
    const batch = await api.post(`/organizations/${ORG}/actionBatches`, {
      confirmed: true,
      synchronous: true,
      actions: [{ resource: `/devices/${serial(30)}/switch/ports/2`, operation: "update", body: { vlan: 30 } }],
    });
    expect(batch.body.status).toMatchObject({ completed: true });
    // A failed batch changes nothing, so it marks nothing.
    const failed = await api.post(`/organizations/${ORG}/actionBatches`, {
      confirmed: true,
      synchronous: true,
      actions: [
        { resource: `/devices/${serial(31)}/switch/ports/2`, operation: "update", body: { vlan: 31 } },
        { resource: `/devices/${serial(31)}/switch/ports/3`, operation: "update", body: { vlan: 0 } },
      ],
    });
    expect(failed.body.status).toMatchObject({ failed: true });

    expect(await serialsOf(`configurationUpdatedAfter=${encodeURIComponent(before)}`)).toEqual([serial(20), serial(30)]);
    await t.control.advance(1);
    const after = new Date(t.emu.clock.now()).toISOString();
    expect(await serialsOf(`configurationUpdatedAfter=${encodeURIComponent(after)}`)).toEqual([]);
    // Combined with another filter.
    expect(await serialsOf(`configurationUpdatedAfter=${encodeURIComponent(before)}&serials[]=${serial(30)}`)).toEqual([serial(30)]);
  });

  test("the device list's configurationUpdatedAfter: devices whose own fields or ports changed after the time; no-op writes do not count", async () => {
    await t.control.advance(3600);
    const before = new Date(t.emu.clock.now()).toISOString();
    await t.control.advance(60);
    const devicesAfter = async (time: string, extra = "") =>
      (await pages(`/organizations/${ORG}/devices?perPage=1000&configurationUpdatedAfter=${encodeURIComponent(time)}${extra}`)).flat().map((d) => d.serial);
    expect(await devicesAfter(before)).toEqual([]);
    // A device's tags (REST), a switch's port (batch), a write of what already is (no change).
    expect((await api.put(`/devices/${serial(50)}`, { tags: ["floor-5"] })).status).toBe(200);
    const current = (await api.get(`/devices/${serial(51)}`)).body;
    expect((await api.put(`/devices/${serial(51)}`, { name: current.name })).status).toBe(200);
    const batch = await api.post(`/organizations/${ORG}/actionBatches`, {
      confirmed: true,
      synchronous: true,
      actions: [{ resource: `/devices/${serial(60)}/switch/ports/4`, operation: "update", body: { vlan: 60 } }],
    });
    expect(batch.body.status).toMatchObject({ completed: true });

    expect(await devicesAfter(before)).toEqual([serial(50), serial(60)]);
    expect(await devicesAfter(before, `&serials[]=${serial(60)}`)).toEqual([serial(60)]);
    await t.control.advance(1);
    expect(await devicesAfter(new Date(t.emu.clock.now()).toISOString())).toEqual([]);
    const bad = await api.get(`/organizations/${ORG}/devices?configurationUpdatedAfter=yesterday`);
    expect([bad.status, bad.body.errors]).toEqual([400, ["'configurationUpdatedAfter' must be an ISO 8601 timestamp"]]);
  });

  test("configurationUpdatedAfter must be a timestamp", async () => {
    const res = await api.get(`${BY_SWITCH}?configurationUpdatedAfter=yesterday`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(["'configurationUpdatedAfter' must be an ISO 8601 timestamp"]);
  });

  test("an organization the key does not see is 404", async () => {
    const other = await api.get(`/organizations/1234567/switch/ports/bySwitch`);
    expect(other.status).toBe(404);
  });
});

describe("pagination of /organizations and /organizations/{id}/devices (issue #11.8)", () => {
  let d: TestEmulator;
  beforeAll(async () => {
    d = await testEmulator();
    // Five more organizations visible to the demo key.
    const world = d.emu.state.world;
    for (let i = 1; i <= 5; i++) {
      const id = `90000${i}`;
      world.organizations[id] = { ...structuredClone(world.organizations["1234567890"]), organization: { id, name: `Org ${i}`, url: "https://n1.meraki.com/o/x" }, networks: {}, devices: {}, switchPorts: {}, vlans: {}, batches: {} };
      world.apiKeys[0].organizationIds.push(id);
    }
  });
  afterAll(() => d.close());

  test("organizations: every one by default (perPage up to 9000), in pages with a Link header", async () => {
    const all = await d.api.get("/organizations");
    expect(all.body).toHaveLength(7);
    expect(rels(all)).not.toHaveProperty("next");
    const first = await d.api.get("/organizations?perPage=3");
    expect(first.body).toHaveLength(3);
    const seen = [...first.body];
    let next = rels(first).next;
    while (next) {
      const res = await d.api.get(next);
      seen.push(...res.body);
      next = rels(res).next;
    }
    expect(seen.map((o) => o.id)).toEqual(all.body.map((o: any) => o.id));
    expect((await d.api.get("/organizations?perPage=9000")).status).toBe(200);
    for (const bad of ["2", "9001"]) {
      const res = await d.api.get(`/organizations?perPage=${bad}`);
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatch(/between 3 and 9000/);
    }
  });

  test("bySwitch lists only the organization's own switches (the key sees a second one with a switch)", async () => {
    const res = await d.api.get("/organizations/1234567/switch/ports/bySwitch");
    expect(res.body.map((s: any) => s.serial)).toEqual(["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"]);
    expect((await d.api.get("/organizations/1234567890/switch/ports/bySwitch")).body.map((s: any) => s.serial)).toEqual(["QXXX-XXXX-XXXX"]);
  });

  test("devices: perPage up to 5000", async () => {
    expect((await d.api.get("/organizations/1234567/devices?perPage=5000")).status).toBe(200);
    const res = await d.api.get("/organizations/1234567/devices?perPage=5001");
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/between 3 and 5000/);
  });
});

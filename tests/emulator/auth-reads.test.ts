/** Authentication, visibility and the read endpoints (including pagination), over HTTP. */
import { Api, NET, ORG, SW_A, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
beforeAll(async () => {
  t = await testEmulator();
  // A second key that sees only the curl example's organization.
  t.emu.state.world.apiKeys.push({ key: "k-only-1234567890", organizationIds: ["1234567890"] });
});
afterAll(() => t.close());

describe("authentication", () => {
  test.each(["bearer", "cisco"] as const)("the %s header is accepted, under /api/v1 and /api/v0", async (header) => {
    const api = t.api.withKey(t.api.key, header);
    expect((await api.get("/organizations")).status).toBe(200);
    expect((await new Api(t.emu.origin + "/api/v0", t.api.key, header).get(`/organizations/${ORG}`)).status).toBe(200);
  });

  test("a missing key answers 401 with an errors array", async () => {
    const res = await t.api.withKey(null).get("/organizations");
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: ["Missing API key"] });
  });

  test("an unknown key answers 401", async () => {
    const res = await t.api.withKey("not-a-key").get(`/organizations/${ORG}`);
    expect(res.status).toBe(401);
    expect(res.body.errors).toEqual(["Invalid API key"]);
  });

  test("a key sees only its organizations; anything else answers 404", async () => {
    const limited = t.api.withKey("k-only-1234567890");
    expect((await limited.get("/organizations")).body.map((o: any) => o.id)).toEqual(["1234567890"]);
    for (const path of [`/organizations/${ORG}`, `/networks/${NET}`, `/devices/${SW_A}`, `/devices/${SW_A}/switch/ports`, `/organizations/${ORG}/actionBatches`]) {
      const res = await limited.get(path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body.errors).toBeDefined();
    }
    expect((await limited.get("/devices/QXXX-XXXX-XXXX")).status).toBe(200);
  });

  test("unknown organizations, networks and devices answer 404", async () => {
    for (const path of ["/organizations/999", "/networks/N_nope", "/devices/ZZZZ-ZZZZ-ZZZZ"]) expect((await t.api.get(path)).status).toBe(404);
  });

  test("every response carries an X-Request-Id", async () => {
    const res = await t.api.get("/organizations");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("reads", () => {
  test("organizations and one organization", async () => {
    const orgs = (await t.api.get("/organizations")).body;
    expect(orgs.map((o: any) => o.id)).toEqual([ORG, "1234567890"]);
    expect((await t.api.get(`/organizations/${ORG}`)).body).toMatchObject({ id: ORG, api: { enabled: true } });
  });

  test("networks of an organization, and one network", async () => {
    const nets = (await t.api.get(`/organizations/${ORG}/networks`)).body;
    expect(nets).toEqual([expect.objectContaining({ id: NET, organizationId: ORG, productTypes: ["appliance", "switch"] })]);
    expect((await t.api.get(`/networks/${NET}`)).body.name).toBe("Branch Office");
  });

  test("devices of an organization are paginated with perPage, startingAfter and a Link header", async () => {
    const all = (await t.api.get(`/organizations/${ORG}/devices`)).body;
    expect(all.map((d: any) => d.serial).sort()).toEqual(["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF", "Q2MX-0000-0001"]);

    t.emu.state.world.organizations[ORG].devices["ZZZZ-0000-0001"] = { ...all[0], serial: "ZZZZ-0000-0001" };
    const seen: string[] = [];
    let next: string | undefined = `/organizations/${ORG}/devices?perPage=3`;
    let pages = 0;
    while (next) {
      const res = await t.api.get(next);
      expect(res.status).toBe(200);
      pages++;
      seen.push(...res.body.map((d: any) => d.serial));
      const link = res.headers.get("link")!;
      expect(link).toMatch(/rel=first/);
      // rels are unquoted and URLs absolute, as the real API sends them
      const m = /<([^>]+)>; rel=next/.exec(link);
      next = m ? m[1] : undefined;
      if (next) expect(next.startsWith(t.emu.url)).toBe(true);
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF", "Q2MX-0000-0001", "ZZZZ-0000-0001"]);
    delete t.emu.state.world.organizations[ORG].devices["ZZZZ-0000-0001"];
  });

  test("perPage outside its range is a 400", async () => {
    const res = await t.api.get(`/organizations/${ORG}/devices?perPage=2`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(/perPage/);
  });

  test("device filters: productTypes[], serials[], networkIds[]", async () => {
    const switches = (await t.api.get(`/organizations/${ORG}/devices?productTypes[]=switch`)).body;
    expect(switches.map((d: any) => d.serial)).toEqual(["AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF"]);
    expect((await t.api.get(`/organizations/${ORG}/devices?serials[]=${SW_A}`)).body).toHaveLength(1);
    expect((await t.api.get(`/organizations/${ORG}/devices?networkIds[]=N_other`)).body).toHaveLength(0);
  });

  test("network devices, one device, a switch's ports and one port", async () => {
    expect((await t.api.get(`/networks/${NET}/devices`)).body).toHaveLength(3);
    expect((await t.api.get(`/devices/${SW_A}`)).body).toMatchObject({ serial: SW_A, networkId: NET, productType: "switch", tags: [] });
    const ports = (await t.api.get(`/devices/${SW_A}/switch/ports`)).body;
    // An MS225-48LP: 48 access ports and 4 SFP+ uplinks.
    expect(ports).toHaveLength(52);
    expect(ports[0]).toMatchObject({ portId: "1", type: "access", vlan: 1, voiceVlan: null, portScheduleId: null, accessPolicyType: "Open" });
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/52`)).body.portId).toBe("52");
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/53`)).status).toBe(404);
    expect((await t.api.get(`/devices/Q2MX-0000-0001/switch/ports`)).status).toBe(404);
  });

  test("VLANs, one VLAN (id as a number) and VLAN settings", async () => {
    const vlans = (await t.api.get(`/networks/${NET}/appliance/vlans`)).body;
    expect(vlans).toEqual([expect.objectContaining({ id: 1, subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" })]);
    expect(vlans[0]).not.toHaveProperty("dhcpRelayServerIps");
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/1`)).body.id).toBe(1);
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/42`)).status).toBe(404);
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/settings`)).body).toEqual({ vlansEnabled: true });
  });

  test("VLAN reads on a network without VLANs enabled say so", async () => {
    const res = await t.api.get(`/networks/L_123456789000000/appliance/vlans`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: ["VLANs are not enabled for this network"] });
  });
});

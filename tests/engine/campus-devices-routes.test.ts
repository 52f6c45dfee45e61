/**
 * Device attributes and static routes in the engine (issue #24): schema, diff against live,
 * batches, read-back, onDelete and adopt, and that Device and DeviceTags share a device without
 * writing each other's fields.
 */
import { ResourceSpec, ValidationError } from "../../provider";
import { EngineSetup, NET, SW_A, SW_B, engineSetup } from "../helpers/engine";

let s: EngineSetup;
beforeEach(async () => {
  s = await engineSetup();
});
afterEach(() => s.close());

const device = (props: Record<string, unknown>, name = "core"): ResourceSpec => ({ kind: "device", name, props: { serial: SW_A, ...props } });
const route = (props: Record<string, unknown>, name = "default-route"): ResourceSpec => ({ kind: "switchStaticRoute", name, props: { serial: SW_A, subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1", ...props } });
const IFACES = `/devices/${SW_A}/switch/routing/interfaces`;
const ROUTES = `/devices/${SW_A}/switch/routing/staticRoutes`;

async function svi(vlanId: number) {
  return s.client.post<{ interfaceId: string }>(IFACES, { name: `VLAN ${vlanId}`, subnet: `10.${vlanId}.0.0/24`, interfaceIp: `10.${vlanId}.0.2`, vlanId, defaultGateway: `10.${vlanId}.0.1` });
}

describe("Device", () => {
  test("plans only the fields given, applies them in one action beside DeviceTags, reads back, then nothing to do", async () => {
    const specs = [device({ name: "Core 1", address: "1 Main St", notes: "rack 4", lat: 51.5, lng: -0.12 }), { kind: "deviceTags" as const, name: "core-tags", props: { serial: SW_A, tags: ["core"] } }];
    const plan = await s.engine.plan(specs);
    const c = plan.changes.find((x) => x.kind === "device")!;
    expect(c).toMatchObject({ key: `device/${SW_A}`, op: "update", description: `attributes of device ${SW_A}`, scope: { networkId: NET, serial: SW_A } });
    expect(c.fields.map((f) => [f.path, f.old, f.new])).toEqual([
      ["address", "1600 Amphitheatre Pkwy, Mountain View, CA", "1 Main St"],
      ["lat", 37.4180951010362, 51.5],
      ["lng", -122.098531723022, -0.12],
      ["name", "Switch A", "Core 1"],
      ["notes", null, "rack 4"],
    ]);
    expect(c.actions).toEqual([{ resource: `/devices/${SW_A}`, operation: "update", body: { address: "1 Main St", lat: 51.5, lng: -0.12, name: "Core 1", notes: "rack 4" } }]);
    // The tags' action and the attributes' action each carry only their own fields.
    expect(plan.batches).toHaveLength(1);
    expect(plan.batches[0].actions.map((a) => Object.keys(a.body ?? {}))).toEqual([["address", "lat", "lng", "name", "notes"], ["tags"]]);
    const applied = await s.engine.apply(plan);
    expect(applied.ok).toBe(true);
    expect(applied.resources.every((r) => r.outcome.status === "applied" && r.outcome.verified)).toBe(true);
    expect((await s.engine.plan(specs)).summary.actions).toBe(0);
  });

  test("a cleared name is sent as \"\" and reads as nothing; tags are DeviceTags' own", async () => {
    await s.client.put(`/devices/${SW_A}`, { notes: "old" });
    const plan = await s.engine.plan([device({ notes: null, name: "" })]);
    expect(plan.changes[0].fields).toEqual([
      { path: "name", old: "Switch A", new: null },
      { path: "notes", old: "old", new: null },
    ]);
    expect(plan.changes[0].actions[0].body).toEqual({ name: "", notes: "" });
    expect((await s.engine.apply(plan)).ok).toBe(true);
    expect((await s.engine.plan([device({ notes: null, name: "" })])).summary.actions).toBe(0);
    await expect(s.engine.plan([device({ tags: ["x"] })])).rejects.toThrow(/tags: is managed by DeviceTags/);
    await expect(s.engine.plan([device({ notes: "x".repeat(256), lat: 100 })])).rejects.toThrow(/notes: must be at most 255 characters[\s\S]*lat: must be between -90 and 90/);
    await expect(s.engine.plan([device({ name: "x" }, "ghost"), { kind: "device", name: "ghost2", props: { serial: "NOPE-NOPE-NOPE", name: "x" } }])).rejects.toThrow(/device NOPE-NOPE-NOPE is not in organization 1234567/);
  });

  test("onDelete: restore puts back what was taken over, reset clears the text, retain leaves it", async () => {
    const spec = device({ name: "Core 1", notes: "rack 4" });
    const plan = await s.engine.plan([spec]);
    const original = plan.changes[0].live;
    expect(original).toEqual({ name: "Switch A", notes: null });
    await s.engine.apply(plan);
    const restore = await s.engine.plan([], [{ kind: "device", name: "core", props: spec.props, original }]);
    expect(restore.changes[0]).toMatchObject({ op: "delete", actions: [{ body: { name: "Switch A", notes: "" } }] });
    const reset = await s.engine.plan([], [{ kind: "device", name: "core", props: spec.props, onDelete: "reset", original }]);
    expect(reset.changes[0].actions[0].body).toEqual({ name: "", notes: "" });
    const retain = await s.engine.plan([], [{ kind: "device", name: "core", props: spec.props, onDelete: "retain", original }]);
    expect(retain.changes[0].op).toBe("noop");
    expect((await s.engine.apply(restore)).ok).toBe(true);
    expect((await s.client.get<{ name: string }>(`/devices/${SW_A}`)).name).toBe("Switch A");
  });
});

describe("SwitchStaticRoute", () => {
  test("create, then nothing to do; update by the live id; delete", async () => {
    await svi(10);
    const spec = route({ name: "To the MX" });
    const plan = await s.engine.plan([spec]);
    expect(plan.changes[0]).toMatchObject({ key: `switchStaticRoute/${SW_A}/0.0.0.0/0`, op: "create", description: `static route 0.0.0.0/0 of switch ${SW_A}`, scope: { networkId: NET, serial: SW_A } });
    expect(plan.changes[0].actions).toEqual([{ resource: ROUTES, operation: "create", body: { subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1", name: "To the MX" } }]);
    const applied = await s.engine.apply(plan);
    expect(applied.ok).toBe(true);
    expect(applied.resources[0].outcome).toMatchObject({ status: "applied", verified: true });
    const [live] = await s.client.get<Array<{ staticRouteId: string }>>(ROUTES);
    const again = await s.engine.plan([spec]);
    expect(again.changes[0]).toMatchObject({ op: "noop", id: live.staticRouteId });

    const moved = await s.engine.plan([route({ name: "To the MX", nextHopIp: "10.10.0.9", preferOverOspfRoutesEnabled: true })]);
    expect(moved.changes[0].fields).toEqual([
      { path: "nextHopIp", old: "10.10.0.1", new: "10.10.0.9" },
      { path: "preferOverOspfRoutesEnabled", old: false, new: true },
    ]);
    expect(moved.changes[0].actions).toEqual([{ resource: `${ROUTES}/${live.staticRouteId}`, operation: "update", body: { nextHopIp: "10.10.0.9", preferOverOspfRoutesEnabled: true } }]);
    expect((await s.engine.apply(moved)).ok).toBe(true);

    const gone = await s.engine.plan([], [{ kind: "switchStaticRoute", name: "default-route", props: spec.props }]);
    expect(gone.changes[0]).toMatchObject({ op: "delete", actions: [{ resource: `${ROUTES}/${live.staticRouteId}`, operation: "destroy" }] });
    expect((await s.engine.apply(gone)).ok).toBe(true);
    expect(await s.client.get(ROUTES)).toEqual([]);
  });

  test("the next hop must be reachable through a layer 3 interface: refused before anything is sent", async () => {
    await expect(s.engine.plan([route({})])).rejects.toThrow(
      `SwitchStaticRoute 'default-route' (static route 0.0.0.0/0 of switch ${SW_A}): nextHopIp: 10.10.0.1 is not reachable through a layer 3 interface of switch ${SW_A} (it has no layer 3 interface); declare a SwitchRoutingInterface whose subnet holds the next hop`,
    );
    await svi(20);
    await expect(s.engine.plan([route({})])).rejects.toThrow(/\(its layer 3 interfaces: VLAN 20 10\.20\.0\.0\/24\)/);
    await expect(s.engine.plan([route({ serial: "Q2MX-0000-0001" })])).rejects.toThrow(/serial: device Q2MX-0000-0001 is a MX84 \(appliance\), not a switch/);
    const err = await s.engine.plan([route({ subnet: "10.0.0.1/8", nextHopIp: "10.0.0" })]).catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "subnet: 10.0.0.1/8 is not a network address (the host bits must be zero)",
      "nextHopIp: must be an IPv4 address such as 192.168.1.1",
    ]);
  });

  test("a Pulumi create of a route that exists is refused unless adopted; the CLI takes it over", async () => {
    await svi(10);
    await s.client.post(ROUTES, { subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1" });
    await expect(s.engine.plan([{ ...route({}), intent: "create" }])).rejects.toThrow(/subnet: a static route for 0\.0\.0\.0\/0 already exists on switch AAAA-BBBB-CCCC \(id \d+\): set adopt: true to manage it/);
    expect((await s.engine.plan([{ ...route({ adopt: true }), intent: "create" }])).changes[0].op).toBe("noop");
    expect((await s.engine.plan([route({ name: "x" })])).changes[0].op).toBe("update");
  });

  test("reads: one request for a switch's routes and one for its interfaces, whatever the number of routes", async () => {
    await svi(10);
    await s.control.clearRequests();
    const specs = Array.from({ length: 20 }, (_, i) => route({ subnet: `172.16.${i}.0/24` }, `r${i}`));
    const plan = await s.engine.plan(specs);
    expect(plan.summary).toMatchObject({ create: 20, batches: 1 });
    const reads = (await s.control.requests()).filter((r) => r.method === "GET").map((r) => r.path);
    expect(reads.sort()).toEqual([`/api/v1/devices/${SW_A}/switch/routing/interfaces`, `/api/v1/devices/${SW_A}/switch/routing/staticRoutes`, "/api/v1/organizations/1234567/devices"].sort());
    // Routes of two switches: one more pair of reads.
    await s.control.clearRequests();
    await s.client.post(`/devices/${SW_B}/switch/routing/interfaces`, { name: "x", subnet: "10.10.0.0/24", interfaceIp: "10.10.0.3", vlanId: 10, defaultGateway: "10.10.0.1" });
    await s.control.clearRequests();
    await s.engine.plan([...specs, route({ serial: SW_B }, "b")]);
    expect((await s.control.requests()).filter((r) => r.method === "GET")).toHaveLength(5);
  });
});

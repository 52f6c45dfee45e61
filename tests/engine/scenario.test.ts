/** The documentation's scenario and the 480-port campus, planned and applied against the emulator. */
import { NET, SW_A, SW_B, campusPorts, docScenario, engineSetup, EngineSetup, writes } from "../helpers/engine";

let s: EngineSetup;
afterEach(() => s.close());

test("the documentation's scenario plans to the expected actions in one synchronous batch, applies, and re-plans to nothing", async () => {
  s = await engineSetup();
  const plan = await s.engine.plan(docScenario());
  expect(plan.summary).toEqual({ create: 1, update: 4, delete: 0, noop: 0, actions: 5, batches: 1 });
  expect(plan.batches).toHaveLength(1);
  expect(plan.batches[0].synchronous).toBe(true);
  expect(plan.batches[0].actions).toEqual([
    { resource: `/networks/${NET}/appliance/vlans`, operation: "create", body: { id: "99", name: "API-VLAN", subnet: "172.16.99.0/24", applianceIp: "172.16.99.1" } },
    { resource: `/devices/${SW_A}`, operation: "update", body: { tags: ["APIness"] } },
    { resource: `/devices/${SW_B}`, operation: "update", body: { tags: ["APIness"] } },
    { resource: `/devices/${SW_A}/switch/ports/1`, operation: "update", body: { tags: ["APIness"], vlan: 99 } },
    { resource: `/devices/${SW_B}/switch/ports/1`, operation: "update", body: { tags: ["APIness"], vlan: 99 } },
  ]);
  const vlanChange = plan.changes.find((c) => c.kind === "vlan")!;
  expect(vlanChange).toMatchObject({ op: "create", description: `VLAN 99 on network ${NET}` });
  const port = plan.changes.find((c) => c.key === `switchPort/${SW_A}/1`)!;
  expect(port.fields).toEqual([
    { path: "tags", old: [], new: ["APIness"] },
    { path: "vlan", old: 1, new: 99 },
  ]);

  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  expect(result.resources.map((r) => r.outcome.status)).toEqual(Array(5).fill("applied"));
  expect(result.batches[0]).toMatchObject({ state: "completed", createdResources: [{ id: "99", uri: `/networks/${NET}/appliance/vlans/99` }] });

  const again = await s.engine.plan(docScenario());
  expect(again.summary).toMatchObject({ create: 0, update: 0, noop: 5, actions: 0, batches: 0 });
  // One POST (unconfirmed) and one PUT (confirm) for the whole deployment.
  expect(writes(await s.control.requests()).map((r) => r.method)).toEqual(["POST", "PUT"]);
});

test("480 port changes across 10 switches compile to 5 batches and apply in one wave, with one organization-wide read of their ports, re-checked and read back the same way", async () => {
  s = await engineSetup({ seed: "campus", batchLatencyMs: 2000 });
  const specs = campusPorts(10);
  const plan = await s.engine.plan(specs);
  // The managed fields (type, vlan, name) are all in bySwitch's subset: one request for the 10 switches.
  expect((await s.control.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(["GET /api/v1/organizations/2930418/switch/ports/bySwitch"]);
  await s.control.clearRequests();
  expect(plan.summary).toMatchObject({ update: 480, actions: 480, batches: 5 });
  expect(plan.batches.map((b) => b.actions.length)).toEqual([100, 100, 100, 100, 80]);
  expect(plan.batches.every((b) => !b.synchronous && b.after.length === 0)).toBe(true);

  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  expect(result.verified).toBe(true);
  expect(result.batches.map((b) => b.state)).toEqual(Array(5).fill("completed"));
  expect(result.resources.every((r) => r.outcome.status === "applied" && r.outcome.verified === true)).toBe(true);

  const log = await s.control.requests();
  expect(log.filter((r) => r.method === "POST")).toHaveLength(5);
  expect(log.filter((r) => r.method === "PUT")).toHaveLength(5);
  expect(log.every((r) => r.status < 400)).toBe(true);
  // Five in flight by default (the API's limit): one wave.
  expect(Math.max(...log.map((r) => r.runningBatches))).toBeLessThanOrEqual(5);
  // Right before the wave is confirmed, the switches it touches are read again (however recent the
  // plan: another run may have applied it meanwhile). After the last batch they are read back. All
  // through bySwitch: one request each.
  const lastPut = log.map((r) => r.method).lastIndexOf("PUT");
  const portReads = (rs: typeof log) => rs.filter((r) => r.method === "GET" && /switch\/ports/.test(r.path));
  expect(portReads(log.slice(0, lastPut)).map((r) => `${r.path}${r.query}`)).toEqual([
    `/api/v1/organizations/2930418/switch/ports/bySwitch?perPage=50&${Array.from({ length: 10 }, (_, i) => `serials%5B%5D=Q2CA-MS00-${String(i + 1).padStart(4, "0")}`).join("&")}`,
  ]);
  expect(portReads(log.slice(lastPut)).map((r) => r.path)).toEqual(["/api/v1/organizations/2930418/switch/ports/bySwitch"]);

  await s.control.clearRequests();
  const again = await s.engine.plan(specs);
  expect(again.summary).toMatchObject({ update: 0, noop: 480, batches: 0 });
  expect((await s.control.requests()).map((r) => r.path)).toEqual(["/api/v1/organizations/2930418/switch/ports/bySwitch"]);
});

test("a VLAN created in the plan and the ports that use it share a batch; update-only fields follow the create", async () => {
  s = await engineSetup();
  const plan = await s.engine.plan([
    ...Array.from({ length: 40 }, (_, i) => ({ kind: "switchPort" as const, name: `p${i}`, props: { serial: i < 20 ? SW_A : SW_B, portId: String((i % 20) + 1), vlan: 30 } })),
    {
      kind: "vlan",
      name: "voice",
      props: { networkId: NET, vlanId: 30, name: "Voice", subnet: "10.30.0.0/24", applianceIp: "10.30.0.1", dnsNameservers: "google_dns", reservedIpRanges: [{ start: "10.30.0.2", end: "10.30.0.9", comment: "phones" }] },
    },
  ]);
  expect(plan.batches).toHaveLength(1);
  const [first, second] = plan.batches[0].actions;
  expect(first).toMatchObject({ operation: "create", body: { id: "30", name: "Voice" } });
  expect(first.body).not.toHaveProperty("dnsNameservers");
  expect(second).toEqual({ resource: `/networks/${NET}/appliance/vlans/30`, operation: "update", body: { dnsNameservers: "google_dns", reservedIpRanges: [{ start: "10.30.0.2", end: "10.30.0.9", comment: "phones" }] } });
  expect(plan.batches[0].synchronous).toBe(false); // 42 actions
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  expect((await s.engine.plan(plan.resources)).summary.actions).toBe(0);
});

test("deletes: a VLAN is destroyed after the ports that used it are reset; device tags restored", async () => {
  s = await engineSetup();
  await s.engine.apply(await s.engine.plan(docScenario()));
  const [vlan, tagsA, , portA, portB] = docScenario();
  const plan = await s.engine.plan([], [
    { ...vlan },
    { ...tagsA, original: { tags: [] } },
    { ...portA, onDelete: "reset" },
    { ...portB, onDelete: "restore", original: { type: "access", vlan: 1, tags: [] } },
  ]);
  expect(plan.summary).toMatchObject({ delete: 4, batches: 1 });
  expect(plan.batches[0].actions.map((a) => a.operation)).toEqual(["update", "update", "update", "destroy"]);
  const result = await s.engine.apply(plan);
  expect(result.ok).toBe(true);
  await s.control.advance(5); // refill the (frozen) rate-limit bucket for the checks below
  const get = (path: string) => fetch(`${s.emu.url}${path}`, { headers: { Authorization: `Bearer ${s.emu.apiKeys[0]}` } }).then((r) => r.json() as Promise<any>);
  expect((await get(`/networks/${NET}/appliance/vlans/99`)).errors).toBeDefined();
  expect((await get(`/devices/${SW_A}`)).tags).toEqual([]);
  expect((await get(`/devices/${SW_A}/switch/ports/1`))).toMatchObject({ vlan: 1, tags: [] });
  expect((await get(`/devices/${SW_B}/switch/ports/1`))).toMatchObject({ vlan: 1, tags: [] });
});

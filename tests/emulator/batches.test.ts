/** Action batches: every rule of reference §1, over HTTP. */
import { CONCURRENCY_ERROR } from "../../emulator/batches";
import { NET, ORG, SW_A, SW_B, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator({ batchLatencyMs: 60_000 });
});
afterEach(() => t.close());

const BATCHES = `/organizations/${ORG}/actionBatches`;
const portAction = (port: number, body: object = { enabled: false }, serial = SW_A) => ({
  resource: `/devices/${serial}/switch/ports/${port}`,
  operation: "update",
  body,
});
const ports = (n: number, body?: object) => Array.from({ length: n }, (_, i) => portAction((i % 48) + 1, body, i < 48 ? SW_A : SW_B));

describe("create", () => {
  test("confirmed and synchronous default to false; the response has the documented shape", async () => {
    const res = await t.api.post(BATCHES, { actions: [portAction(1)] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      organizationId: ORG,
      confirmed: false,
      synchronous: false,
      status: { completed: false, failed: false, errors: [], createdResources: [] },
      actions: [{ resource: `/devices/${SW_A}/switch/ports/1`, operation: "update", body: { enabled: false } }],
    });
    // Unconfirmed: nothing ran.
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/1`)).body.enabled).toBe(true);
  });

  test("a destroy action without a body is stored with an empty one", async () => {
    await t.api.post(`/networks/${NET}/appliance/vlans`, { id: 9, name: "n", subnet: "10.9.0.0/24", applianceIp: "10.9.0.1" });
    const res = await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [{ resource: `/networks/${NET}/appliance/vlans/9`, operation: "destroy" }] });
    expect(res.body.actions[0].body).toEqual({});
    expect(res.body.status.completed).toBe(true);
  });

  test("at most 20 actions when synchronous, at most 100 always", async () => {
    expect((await t.api.post(BATCHES, { synchronous: true, actions: ports(20) })).status).toBe(201);
    const sync21 = await t.api.post(BATCHES, { synchronous: true, actions: ports(21) });
    expect(sync21.status).toBe(400);
    expect(sync21.body.errors).toEqual(["A synchronous action batch can have at most 20 actions"]);
    expect((await t.api.post(BATCHES, { actions: ports(100) })).status).toBe(201);
    const big = await t.api.post(BATCHES, { actions: ports(101) });
    expect(big.status).toBe(400);
    expect(big.body.errors).toEqual(["An action batch can have at most 100 actions"]);
    expect((await t.api.get(BATCHES)).body).toHaveLength(2);
  });

  test("an unknown resource answers 'Unsupported operation'; a known one with a wrong operation names the template", async () => {
    const unknown = await t.api.post(BATCHES, { actions: [{ resource: `/networks/${NET}/wireless/ssids/0`, operation: "update", body: {} }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ errors: ["Unsupported operation"] });
    const wrongOp = await t.api.post(BATCHES, { actions: [{ resource: `/networks/${NET}/appliance/vlans`, operation: "update", body: {} }] });
    expect(wrongOp.body).toEqual({ errors: ["update operation is unsupported for /networks/{network_id}/appliance/vlans."] });
    const portCreate = await t.api.post(BATCHES, { actions: [{ resource: `/devices/${SW_A}/switch/ports/1`, operation: "create", body: {} }] });
    expect(portCreate.body.errors).toEqual(["create operation is unsupported for /devices/{serial}/switch/ports/{port_id}."]);
  });

  test("malformed actions are refused", async () => {
    expect((await t.api.post(BATCHES, {})).body.errors).toEqual(["'actions' is required"]);
    expect((await t.api.post(BATCHES, { actions: "x" })).body.errors).toEqual(["'actions' must be an array"]);
    expect((await t.api.post(BATCHES, { actions: [{ resource: 1, operation: "update" }] })).body.errors).toEqual(["'actions[0].resource' must be a string"]);
    expect((await t.api.post(BATCHES, { confirmed: "yes", actions: [portAction(1)] })).body.errors).toEqual(["'confirmed' must be a boolean"]);
  });

  test("callback: url and sharedSecret both or neither", async () => {
    const bad = await t.api.post(BATCHES, { actions: [portAction(1)], callback: { url: "https://example.com/hook" } });
    expect(bad.status).toBe(400);
    const ok = await t.api.post(BATCHES, { actions: [portAction(1)], callback: { url: "https://example.com/hook", sharedSecret: "s" } });
    expect(ok.body.callback).toEqual({ id: expect.any(String), url: "https://example.com/hook", status: "new" });
  });
});

describe("execution", () => {
  test("a synchronous batch finishes inside the request, with createdResources per create", async () => {
    const res = await t.api.post(BATCHES, {
      confirmed: true,
      synchronous: true,
      actions: [
        { resource: `/networks/${NET}/appliance/vlans`, operation: "create", body: { id: 99, name: "API-VLAN", subnet: "172.16.99.0/24", applianceIp: "172.16.99.1" } },
        { resource: `/networks/${NET}/appliance/vlans/99`, operation: "update", body: { reservedIpRanges: [{ start: "172.16.99.2", end: "172.16.99.9", comment: "infra" }] } },
        { resource: `/devices/${SW_A}`, operation: "update", body: { tags: ["APIness"] } },
        portAction(1, { type: "access", vlan: 99 }),
      ],
    });
    expect(res.body.status).toEqual({ completed: true, failed: false, errors: [], createdResources: [{ id: "99", uri: `/networks/${NET}/appliance/vlans/99` }] });
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/99`)).body.reservedIpRanges).toHaveLength(1);
  });

  test("actions run in order inside one transaction: a failure leaves no trace of the earlier actions", async () => {
    const res = await t.api.post(BATCHES, {
      confirmed: true,
      synchronous: true,
      actions: [
        { resource: `/networks/${NET}/appliance/vlans`, operation: "create", body: { id: 50, name: "Fifty", subnet: "10.50.0.0/24", applianceIp: "10.50.0.1" } },
        { resource: `/devices/${SW_A}`, operation: "update", body: { tags: ["rolled-back"] } },
        portAction(2, { vlan: 50 }),
        portAction(3, { stpGuard: "nonsense" }),
        portAction(4, { enabled: false }),
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toEqual({
      completed: false,
      failed: true,
      createdResources: [],
      errors: [
        `Error occurred while executing update /devices/${SW_A}/switch/ports/3 with {"stpGuard":"nonsense"}: Validation failed: 'stpGuard' must be one of: 'disabled', 'root guard', 'bpdu guard' or 'loop guard'`,
      ],
    });
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/50`)).status).toBe(404);
    expect((await t.api.get(`/devices/${SW_A}`)).body.tags).toEqual([]);
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/2`)).body.vlan).toBe(1);
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/4`)).body.enabled).toBe(true);
  });

  test("an asynchronous batch runs in the background after the latency, then shows completed", async () => {
    const created = await t.api.post(BATCHES, { confirmed: true, actions: [portAction(7)] });
    expect(created.body.status).toMatchObject({ completed: false, failed: false });
    expect((await t.api.get(`${BATCHES}/${created.body.id}`)).body.status.completed).toBe(false);
    await t.control.advance(60);
    const done = await t.api.get(`${BATCHES}/${created.body.id}`);
    expect(done.body.status).toEqual({ completed: true, failed: false, errors: [], createdResources: [] });
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/7`)).body.enabled).toBe(false);
  });

  test("an asynchronous batch also finishes on its own timer, without the clock moving", async () => {
    const fast = await (await import("../helpers/api")).testEmulator({ batchLatencyMs: 5 });
    try {
      const created = await fast.api.post(BATCHES, { confirmed: true, actions: [portAction(8)] });
      let status = created.body.status;
      while (!status.completed) status = (await fast.api.get(`${BATCHES}/${created.body.id}`)).body.status;
      expect(status.completed).toBe(true);
    } finally {
      await fast.close();
    }
  });

  test("legacy resources: v0 VLAN paths, device under a network, tags as a space-separated string", async () => {
    const res = await t.api.post(BATCHES, {
      confirmed: true,
      synchronous: true,
      actions: [
        { resource: `/networks/${NET}/vlans/`, operation: "create", body: { id: 60, name: "v0", subnet: "10.60.0.0/24", applianceIp: "10.60.0.1" } },
        { resource: `/networks/${NET}/vlans/60`, operation: "update", body: { name: "v0-renamed" } },
        { resource: `/networks/${NET}/devices/${SW_B}`, operation: "update", body: { tags: "one two" } },
        { resource: `/devices/${SW_B}/switchPorts/9`, operation: "update", body: { tags: "desk", macWhitelist: ["00:11:22:33:44:55"], accessPolicyType: "MAC allow list" } },
      ],
    });
    expect(res.body.status.createdResources).toEqual([{ id: "60", uri: `/networks/${NET}/vlans/60` }]);
    expect((await t.api.get(`/networks/${NET}/appliance/vlans/60`)).body.name).toBe("v0-renamed");
    expect((await t.api.get(`/devices/${SW_B}`)).body.tags).toEqual(["one", "two"]);
    expect((await t.api.get(`/devices/${SW_B}/switch/ports/9`)).body).toMatchObject({ tags: ["desk"], macAllowList: ["00:11:22:33:44:55"] });
  });

  test("a device of another network under the legacy network path is not found", async () => {
    const res = await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [{ resource: `/networks/${NET}/devices/QXXX-XXXX-XXXX`, operation: "update", body: { name: "x" } }] });
    expect(res.body.status.failed).toBe(true);
    expect(res.body.status.errors[0]).toMatch(/: Not found$/);
  });
});

describe("confirmation, concurrency, deletion and expiry", () => {
  test("a 6th confirmed and unfinished batch is refused with the exact error; unconfirmed ones don't count", async () => {
    for (let i = 0; i < 3; i++) expect((await t.api.post(BATCHES, { actions: [portAction(20 + i)] })).status).toBe(201);
    const running: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await t.api.post(BATCHES, { confirmed: true, actions: [portAction(30 + i)] });
      expect(res.status).toBe(201);
      running.push(res.body.id);
    }
    const sixth = await t.api.post(BATCHES, { confirmed: true, actions: [portAction(40)] });
    expect(sixth.status).toBe(400);
    expect(sixth.body).toEqual({ errors: [CONCURRENCY_ERROR] });
    expect(CONCURRENCY_ERROR).toBe("Too many concurrently executing batches. Maximum is 5 confirmed but not yet executed batches.");
    // Regardless of mode: a synchronous one is refused too, and so is confirming a draft.
    expect((await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [portAction(41)] })).status).toBe(400);
    const draft = (await t.api.get(`${BATCHES}?status=pending`)).body.find((b: any) => !b.confirmed);
    expect((await t.api.put(`${BATCHES}/${draft.id}`, { confirmed: true })).body.errors).toEqual([CONCURRENCY_ERROR]);
    expect((await t.api.get(`${BATCHES}/${draft.id}`)).body.confirmed).toBe(false);
    // Once they finish, there is room again.
    await t.control.advance(60);
    expect((await t.api.post(BATCHES, { confirmed: true, actions: [portAction(40)] })).status).toBe(201);
    const log = await t.control.requests();
    expect(Math.max(...log.map((r) => r.runningBatches))).toBe(5);
  });

  test("update: confirmed only from false to true, synchronous, nothing else", async () => {
    const draft = (await t.api.post(BATCHES, { actions: ports(21) })).body;
    expect((await t.api.put(`${BATCHES}/${draft.id}`, { synchronous: true })).body.errors).toEqual(["A synchronous action batch can have at most 20 actions"]);
    expect((await t.api.put(`${BATCHES}/${draft.id}`, { actions: [] })).status).toBe(400);
    const small = (await t.api.post(BATCHES, { actions: [portAction(10)] })).body;
    const confirmed = await t.api.put(`${BATCHES}/${small.id}`, { confirmed: true, synchronous: true });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ confirmed: true, synchronous: true, status: { completed: true } });
    // Confirming again is a no-op; unconfirming is refused.
    expect((await t.api.put(`${BATCHES}/${small.id}`, { confirmed: true })).body.status.completed).toBe(true);
    const unconfirm = await t.api.put(`${BATCHES}/${small.id}`, { confirmed: false });
    expect(unconfirm.status).toBe(400);
    expect(unconfirm.body.errors).toEqual(["'confirmed' cannot be unset once it is true"]);
  });

  test("unconfirmed batches can be deleted (204); confirmed ones cannot", async () => {
    const draft = (await t.api.post(BATCHES, { actions: [portAction(11)] })).body;
    const del = await t.api.del(`${BATCHES}/${draft.id}`);
    expect(del.status).toBe(204);
    expect((await t.api.get(`${BATCHES}/${draft.id}`)).status).toBe(404);
    const done = (await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [portAction(11)] })).body;
    const refused = await t.api.del(`${BATCHES}/${done.id}`);
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual(["A confirmed action batch cannot be deleted"]);
  });

  test("unconfirmed batches vanish 7 days after creation", async () => {
    const draft = (await t.api.post(BATCHES, { actions: [portAction(12)] })).body;
    const kept = (await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [portAction(13)] })).body;
    await t.control.advance(7 * 24 * 3600 - 1);
    expect((await t.api.get(`${BATCHES}/${draft.id}`)).status).toBe(200);
    await t.control.advance(1);
    expect((await t.api.get(`${BATCHES}/${draft.id}`)).status).toBe(404);
    expect((await t.api.get(`${BATCHES}/${kept.id}`)).status).toBe(200);
  });

  test("list filters by status: pending, completed, failed", async () => {
    await t.api.post(BATCHES, { actions: [portAction(14)] });
    await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [portAction(15)] });
    await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [portAction(16, { vlan: 0 })] });
    const count = async (status: string) => (await t.api.get(`${BATCHES}?status=${status}`)).body.length;
    expect(await count("pending")).toBe(1);
    expect(await count("completed")).toBe(1);
    expect(await count("failed")).toBe(1);
    expect((await t.api.get(BATCHES)).body).toHaveLength(3);
    expect((await t.api.get(`${BATCHES}?status=done`)).status).toBe(400);
  });

  test("batches of another organization are not found", async () => {
    const draft = (await t.api.post(BATCHES, { actions: [portAction(17)] })).body;
    expect((await t.api.get(`/organizations/1234567890/actionBatches/${draft.id}`)).status).toBe(404);
  });
});

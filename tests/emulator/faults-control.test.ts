/** The control API under /_emulator/ and every injectable fault. */
import * as http from "http";
import { AddressInfo } from "net";
import { ORG, SW_A, TestEmulator, testEmulator } from "../helpers/api";

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator();
});
afterEach(() => t.close());

const BATCHES = `/organizations/${ORG}/actionBatches`;
const port = (n: number, body: object = { enabled: false }) => ({ resource: `/devices/${SW_A}/switch/ports/${n}`, operation: "update", body });

describe("faults", () => {
  test("an action failure matched by operation and resource fails its batch with the message, applying nothing", async () => {
    await t.control.fault({ type: "actionFailure", operation: "update", resource: "/switch/ports/2", message: "Port is in a link aggregate", times: 1 });
    const res = await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [port(1), port(2), port(3)] });
    expect(res.body.status).toMatchObject({ completed: false, failed: true });
    expect(res.body.status.errors).toEqual([`Error occurred while executing update /devices/${SW_A}/switch/ports/2 with {"enabled":false}: Port is in a link aggregate`]);
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/1`)).body.enabled).toBe(true);
    // times: 1, so the same batch succeeds afterwards
    expect((await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [port(1), port(2)] })).body.status.completed).toBe(true);
  });

  test("5xx for the next N requests, then normal service", async () => {
    await t.control.fault({ type: "serverError", count: 2, status: 502 });
    expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(502);
    const second = await t.api.put(`/devices/${SW_A}`, { name: "x" });
    expect(second.status).toBe(502);
    expect(second.body.errors).toBeDefined();
    expect((await t.api.get(`/devices/${SW_A}`)).body.name).toBe("Switch A");
    expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(200);
  });

  test("a lost response after a committed create: the socket closes, the batch exists", async () => {
    await t.control.fault({ type: "dropConnection", after: "create" });
    await expect(t.api.post(BATCHES, { actions: [port(4)] })).rejects.toThrow();
    const list = (await t.api.get(BATCHES)).body;
    expect(list).toHaveLength(1);
    expect(list[0].confirmed).toBe(false);
    const log = await t.control.requests();
    expect(log.find((r) => r.method === "POST")).toMatchObject({ status: 0, dropped: true });
  });

  test("a lost response after a committed confirm: the batch ran", async () => {
    const draft = (await t.api.post(BATCHES, { actions: [port(5)] })).body;
    await t.control.fault({ type: "dropConnection", after: "confirm" });
    await expect(t.api.put(`${BATCHES}/${draft.id}`, { confirmed: true, synchronous: true })).rejects.toThrow();
    expect((await t.api.get(`${BATCHES}/${draft.id}`)).body.status.completed).toBe(true);
    expect((await t.api.get(`/devices/${SW_A}/switch/ports/5`)).body.enabled).toBe(false);
  });

  test("429 without Retry-After", async () => {
    await t.control.fault({ type: "rateLimitWithoutRetryAfter", count: 1 });
    const res = await t.api.get(`/organizations/${ORG}`);
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBeNull();
    expect(res.body).toEqual({ errors: ["API rate limit exceeded for organization"] });
    expect((await t.api.get(`/organizations/${ORG}`)).status).toBe(200);
  });

  test("faults are listed and cleared; a malformed fault is refused", async () => {
    await t.control.fault({ type: "serverError", count: 3 });
    expect(await t.control.faults()).toEqual([expect.objectContaining({ type: "serverError", remaining: 3, status: 500 })]);
    await t.control.clearFaults();
    expect(await t.control.faults()).toEqual([]);
    const bad = await fetch(`${t.emu.origin}/_emulator/faults`, { method: "POST", body: JSON.stringify({ type: "meteor" }) });
    expect(bad.status).toBe(400);
  });
});

describe("control API", () => {
  test("the request log records method, path, status, organization and time; DELETE clears it", async () => {
    await t.api.get(`/devices/${SW_A}`);
    await t.api.withKey(null).get(`/organizations`);
    const log = await t.control.requests();
    expect(log).toEqual([
      expect.objectContaining({ method: "GET", path: `/api/v1/devices/${SW_A}`, status: 200, organizationId: ORG, time: "2026-11-01T00:00:00.000Z" }),
      expect.objectContaining({ method: "GET", path: "/api/v1/organizations", status: 401, organizationId: null }),
    ]);
    await t.control.clearRequests();
    expect(await t.control.requests()).toEqual([]);
  });

  test("clock: read and advance", async () => {
    expect(await t.control.clock()).toMatchObject({ now: "2026-11-01T00:00:00.000Z", frozen: true });
    expect((await t.control.advance(3600)).now).toBe("2026-11-01T01:00:00.000Z");
    const bad = await fetch(`${t.emu.origin}/_emulator/clock`, { method: "POST", body: JSON.stringify({ advanceSeconds: -1 }) });
    expect(bad.status).toBe(400);
  });

  test("reset puts the seed back and clears batches, faults and the log", async () => {
    await t.api.put(`/devices/${SW_A}`, { name: "changed" });
    await t.api.post(BATCHES, { actions: [port(1)] });
    await t.control.fault({ type: "serverError", count: 1 });
    const res = await t.control.reset();
    expect(res.apiKeys).toEqual(["aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc"]);
    expect((await t.api.get(`/devices/${SW_A}`)).body.name).toBe("Switch A");
    expect((await t.api.get(BATCHES)).body).toEqual([]);
    expect(await t.control.faults()).toEqual([]);
  });

  test("reset to another seed", async () => {
    const res = await t.control.reset("campus");
    const campus = t.api.withKey(res.apiKeys[0]);
    const devices = (await campus.get(`/organizations/2930418/devices?productTypes[]=switch`)).body;
    expect(devices).toHaveLength(10);
    expect((await campus.get(`/organizations/2930418/networks`)).body.length).toBeGreaterThanOrEqual(3);
  });

  test("a callback URL receives the finished batch", async () => {
    const received: any[] = [];
    const hook = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const batch = (await t.api.post(BATCHES, { confirmed: true, synchronous: true, actions: [port(1)], callback: { url, sharedSecret: "s3" } })).body;
      while (received.length === 0) await new Promise((r) => setImmediate(r));
      expect(received[0]).toMatchObject({ organization: { id: ORG }, callbackId: batch.callback.id, sharedSecret: "s3", message: { id: batch.id, status: { completed: true } } });
    } finally {
      await new Promise((r) => hook.close(r));
    }
  });
});

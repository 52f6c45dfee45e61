/**
 * The real dynamic-provider plugin, driven over gRPC with the provider texts the SDK produces,
 * against the emulator: coalescing, ordering, diff against live state, update, onDelete, failures,
 * the configure race, unknowns in preview, and the API key kept out of everything.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { Api, Control, testEmulator, TestEmulator } from "../helpers/api";
import { ProviderCalls, UNKNOWN, secret, sdkProviderTexts, startDynamicProvider, DynProc } from "../helpers/dynamic-provider";

const NET = "L_000000000000000";
const SW_A = "AAAA-BBBB-CCCC";
const SW_B = "DDDD-EEEE-FFFF";
const ORG = "1234567";

let t: TestEmulator;
let proc: DynProc;
let p: ProviderCalls;
let texts: Record<string, string>;
let api: Api;
let control: Control;

const config = () => ({
  "meraki-batch:apiKey": secret(DEMO_API_KEY),
  "meraki-batch:baseUrl": t.emu.url,
  "meraki-batch:organizationId": ORG,
  // Calls sent together must land in one flush even when a busy machine spreads their arrival.
  "meraki-batch:batchWindowMs": "250",
});

beforeAll(async () => {
  // Real time here: the plugin is another process. Rate limiting is off so that the test's own
  // checks do not compete with the plugin for the budget (it is tested with the engine).
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  api = t.api;
  control = t.control;
  texts = await sdkProviderTexts();
  proc = await startDynamicProvider();
  p = new ProviderCalls(proc, texts);
  const resp = await p.configure(config());
  expect(resp.getAcceptsecrets()).toBe(false);
});
afterAll(async () => {
  await proc?.stop();
  await t?.close();
});

const batches = async () => (await api.get(`/organizations/${ORG}/actionBatches`)).body as any[];

test("48 concurrent port creates land in one batch, and each call gets its own outputs", async () => {
  const before = (await batches()).length;
  const results = await Promise.all(
    Array.from({ length: 48 }, (_, i) => p.create("SwitchPort", `a-${i + 1}`, { serial: SW_A, portId: String(i + 1), name: `Desk ${i + 1}`, vlan: 20 })),
  );
  expect(results.map((r) => r.id)).toEqual(Array.from({ length: 48 }, (_, i) => `${SW_A}/${i + 1}`));
  expect(results[4].outs).toMatchObject({ serial: SW_A, portId: "5", name: "Desk 5", vlan: 20, original: { name: null, vlan: 1 } });
  const all = await batches();
  expect(all.length - before).toBe(1);
  expect(all[all.length - 1]).toMatchObject({ confirmed: true, status: { completed: true } });
  expect(all[all.length - 1].actions).toHaveLength(48);
  expect((await api.get(`/devices/${SW_A}/switch/ports/48`)).body).toMatchObject({ name: "Desk 48", vlan: 20 });
});

test("a mix of VLAN, tags and ports is ordered VLAN, devices, ports in one batch", async () => {
  const before = (await batches()).length;
  await Promise.all([
    p.create("SwitchPort", "b-1", { serial: SW_B, portId: "1", type: "access", vlan: 99, tags: ["APIness"] }),
    p.create("DeviceTags", "tags-b", { serial: SW_B, tags: ["APIness"] }),
    p.create("Vlan", "api-vlan", { networkId: NET, vlanId: 99, name: "API-VLAN", subnet: "172.16.99.0/24", applianceIp: "172.16.99.1" }),
    p.create("DeviceTags", "tags-a", { serial: SW_A, tags: ["APIness"] }),
  ]);
  const all = await batches();
  expect(all.length - before).toBe(1);
  expect(all[all.length - 1].actions.map((a: any) => `${a.operation} ${a.resource}`)).toEqual([
    `create /networks/${NET}/appliance/vlans`,
    `update /devices/${SW_A}`,
    `update /devices/${SW_B}`,
    `update /devices/${SW_B}/switch/ports/1`,
  ]);
});

test("diff reports nothing when live matches, and sees drift made out of band", async () => {
  const props = { serial: SW_B, portId: "2", name: "Printer", vlan: 30 };
  const { id, outs } = await p.create("SwitchPort", "b-2", props);
  // Someone changes the port in the Dashboard after the apply.
  expect((await api.put(`/devices/${SW_B}/switch/ports/2`, { vlan: 31 })).status).toBe(200);
  expect((await p.diff("SwitchPort", "b-2", id, outs, props)).changes).toBe("some");
  // Unchanged inputs and a live port that matches: nothing to do.
  const quiet = { serial: SW_B, portId: "4", name: "Quiet", vlan: 30 };
  const q = await p.create("SwitchPort", "b-4", quiet);
  expect(await p.diff("SwitchPort", "b-4", q.id, q.outs, quiet)).toEqual({ changes: "none", replaces: [], deleteBeforeReplace: false });
  // A change to a field the resource does not manage is not drift.
  const spare = { serial: SW_B, portId: "3", name: "Spare" };
  const made = await p.create("SwitchPort", "b-3", spare);
  await api.put(`/devices/${SW_B}/switch/ports/3`, { poeEnabled: false });
  expect((await p.diff("SwitchPort", "b-3", made.id, made.outs, spare)).changes).toBe("none");
  // Changed inputs are a change even when live already matches them.
  await api.put(`/devices/${SW_B}/switch/ports/4`, { vlan: 32 });
  expect((await p.diff("SwitchPort", "b-4", q.id, q.outs, { ...quiet, vlan: 32 })).changes).toBe("some");
});

test("changing a VLAN's id replaces it, deleting the old one first", async () => {
  const olds = { networkId: NET, vlanId: 99, name: "API-VLAN", subnet: "172.16.99.0/24", applianceIp: "172.16.99.1" };
  expect(await p.diff("Vlan", "api-vlan", `${NET}/99`, olds, { ...olds, vlanId: 98 })).toEqual({ changes: "some", replaces: ["vlanId"], deleteBeforeReplace: true });
  expect((await p.diff("Vlan", "api-vlan", `${NET}/99`, olds, { ...olds, name: "Renamed" })).changes).toBe("some");
  expect((await p.diff("Vlan", "api-vlan", `${NET}/99`, olds, olds)).changes).toBe("none");
});

test("update applies the new fields; delete follows onDelete: restore, reset, retain", async () => {
  const mk = async (port: string, onDelete?: string) => {
    await api.put(`/devices/${SW_A}/switch/ports/${port}`, { name: `was-${port}`, vlan: 7 });
    return p.create("SwitchPort", `d-${port}`, { serial: SW_A, portId: port, name: "Managed", vlan: 40, ...(onDelete ? { onDelete } : {}) });
  };
  const restore = await mk("40");
  const reset = await mk("41", "reset");
  const retain = await mk("42", "retain");
  expect(restore.outs.original).toEqual({ name: "was-40", vlan: 7 });

  const updated = await p.update("SwitchPort", "d-40", restore.id, restore.outs, { serial: SW_A, portId: "40", name: "Managed", vlan: 41, enabled: false });
  expect((await api.get(`/devices/${SW_A}/switch/ports/40`)).body).toMatchObject({ vlan: 41, enabled: false });
  // The newly managed field was captured just before the update.
  expect(updated.original).toEqual({ name: "was-40", vlan: 7, enabled: true });

  // Deleted by a later deployment (a plugin process of its own, as `pulumi destroy` starts): within one
  // deployment, an object taken over by a create is left alone by a delete (moving between forms).
  const later = await startDynamicProvider();
  try {
    const q = new ProviderCalls(later, texts);
    await q.configure(config());
    await Promise.all([q.delete("SwitchPort", "d-40", restore.id, updated), q.delete("SwitchPort", "d-41", reset.id, reset.outs), q.delete("SwitchPort", "d-42", retain.id, retain.outs)]);
  } finally {
    await later.stop();
  }
  const port = async (n: string) => (await api.get(`/devices/${SW_A}/switch/ports/${n}`)).body;
  expect(await port("40")).toMatchObject({ name: "was-40", vlan: 7, enabled: true });
  expect(await port("41")).toMatchObject({ name: null, vlan: 1 });
  expect(await port("42")).toMatchObject({ name: "Managed", vlan: 40 });
});

test("a failing action rejects every call in its batch with the right message and applies nothing", async () => {
  await control.fault({ type: "actionFailure", resource: `/devices/${SW_B}/switch/ports/12`, message: "Port is part of a link aggregation group", times: 1 });
  const calls = [10, 11, 12, 13].map((n) => p.create("SwitchPort", `f-${n}`, { serial: SW_B, portId: String(n), vlan: 55 }).then(() => "ok", (e) => e.details as string));
  const results = await Promise.all(calls);
  expect(results[2]).toMatch(/^port 12 of switch DDDD-EEEE-FFFF: Port is part of a link aggregation group \(action batch \d+\)$/);
  for (const i of [0, 1, 3]) {
    expect(results[i]).toMatch(/^port 1[013] of switch DDDD-EEEE-FFFF: not applied: batch #1 \(\d+\) rolled back because port 12 of switch DDDD-EEEE-FFFF failed: Port is part of a link aggregation group$/);
  }
  for (const n of [10, 11, 12, 13]) expect((await api.get(`/devices/${SW_B}/switch/ports/${n}`)).body.vlan).toBe(1);
});

test("check: the engine's validation as CheckFailures with property paths, tolerant of unknowns", async () => {
  const bad = await p.check("Vlan", "bad", { networkId: NET, vlanId: 5000, name: "x", subnet: "10.1.0.0/24", applianceIp: "10.2.0.1" });
  expect(bad.failures).toEqual([
    { property: "vlanId", reason: "must be between 1 and 4094" },
    { property: "applianceIp", reason: "10.2.0.1 must be a host address in the subnet 10.1.0.0/24" },
  ]);
  const preview = await p.check("SwitchPort", "u", { serial: SW_A, portId: "9", vlan: UNKNOWN, allowedVlans: "x" });
  expect(preview.failures).toEqual([{ property: "allowedVlans", reason: expect.stringContaining("invalid entry 'x'") }]);
  expect(preview.inputs.vlan).toBe(UNKNOWN);
  const unknownVlan = await p.check("Vlan", "u", { networkId: UNKNOWN, vlanId: UNKNOWN, name: "x", subnet: UNKNOWN, applianceIp: UNKNOWN });
  expect(unknownVlan.failures).toEqual([]);
  // diff with an unknown says "some" without reading anything
  expect((await p.diff("SwitchPort", "u", `${SW_A}/9`, { serial: SW_A, portId: "9", vlan: 1 }, { serial: SW_A, portId: "9", vlan: UNKNOWN })).changes).toBe("some");
});

test("read (refresh) returns the live values of the managed fields", async () => {
  const props = { serial: SW_B, portId: "20", name: "Camera", vlan: 60 };
  const made = await p.create("SwitchPort", "r-20", props);
  await api.put(`/devices/${SW_B}/switch/ports/20`, { vlan: 61 });
  const read = await p.read("SwitchPort", "r-20", made.id, made.outs);
  expect(read.id).toBe(made.id);
  expect(read.props).toMatchObject({ name: "Camera", vlan: 61 });
  // A VLAN deleted out of band reads as gone.
  const vlan = { networkId: NET, vlanId: 77, name: "Temp", subnet: "10.77.0.0/24", applianceIp: "10.77.0.1" };
  const v = await p.create("Vlan", "temp", vlan);
  await api.del(`/networks/${NET}/appliance/vlans/77`);
  expect((await p.read("Vlan", "temp", v.id, v.outs)).id).toBe("");
});

test("a refresh of many resources reads each collection once", async () => {
  const made = await Promise.all([44, 45, 46, 47].map((n) => p.create("SwitchPort", `r-${n}`, { serial: SW_A, portId: String(n), name: `refresh ${n}` })));
  await control.clearRequests();
  const read = await Promise.all(made.map((m, i) => p.read("SwitchPort", `r-${44 + i}`, m.id, m.outs)));
  expect(read.map((r) => r.id)).toEqual(made.map((m) => m.id));
  // One read of the switch's ports: per switch, or organization-wide (bySwitch) when the fields allow.
  const reads = (await control.requests()).filter((q) => q.path.endsWith(`/devices/${SW_A}/switch/ports`) || q.path.endsWith("/switch/ports/bySwitch"));
  expect(reads).toHaveLength(1);
});

test("creating an existing VLAN fails with the API's words unless adopted", async () => {
  const one = { networkId: NET, vlanId: 1, name: "LAN", subnet: "192.168.128.0/24", applianceIp: "192.168.128.1" };
  await expect(p.create("Vlan", "lan", one)).rejects.toMatchObject({ details: expect.stringMatching(/Vlan has already been taken/) });
  const adopted = await p.create("Vlan", "lan", { ...one, adopt: true });
  expect(adopted.id).toBe(`${NET}/1`);
  expect((await api.get(`/networks/${NET}/appliance/vlans/1`)).body.name).toBe("LAN");
});

test("the API key is in no provider text, output or log", async () => {
  for (const text of Object.values(texts)) expect(text).not.toContain(DEMO_API_KEY);
  const made = await p.create("DeviceTags", "k", { serial: "QXXX-XXXX-XXXX", tags: ["x"] }).catch((e) => e);
  expect(JSON.stringify(made)).not.toContain(DEMO_API_KEY);
  expect(proc.output()).not.toContain(DEMO_API_KEY);
});

test("the configure race: calls that arrive with Configure all see the configuration", async () => {
  const fresh = await startDynamicProvider();
  try {
    const q = new ProviderCalls(fresh, texts);
    await q.configure(config());
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => q.create("SwitchPort", `race-${i}`, { serial: SW_B, portId: String(30 + i), name: `race ${i}` })));
    expect(results).toHaveLength(8);
    expect(fresh.output()).toBe("");
  } finally {
    await fresh.stop();
  }
});

test("without a key the error says how to configure one", async () => {
  const bare = await startDynamicProvider({ env: { MERAKI_DASHBOARD_API_KEY: "" } });
  try {
    const q = new ProviderCalls(bare, texts);
    await q.configure({ "meraki-batch:baseUrl": t.emu.url });
    await expect(q.create("SwitchPort", "nokey", { serial: SW_A, portId: "1" })).rejects.toMatchObject({
      details: "no Meraki Dashboard API key: run 'pulumi config set --secret meraki-batch:apiKey <key>' or set MERAKI_DASHBOARD_API_KEY",
    });
  } finally {
    await bare.stop();
  }
});

test("with no organization configured, the key's only organization is used; several are refused", async () => {
  const other = await startDynamicProvider();
  try {
    const q = new ProviderCalls(other, texts);
    await q.configure({ "meraki-batch:apiKey": secret(DEMO_API_KEY), "meraki-batch:baseUrl": t.emu.url });
    await expect(q.create("SwitchPort", "which", { serial: SW_A, portId: "1" })).rejects.toMatchObject({
      details: expect.stringContaining("the API key sees 2 organizations: 1234567 (Documentation Example Org), 1234567890 (Documentation curl Org); set meraki-batch:organizationId"),
    });
  } finally {
    await other.stop();
  }
});

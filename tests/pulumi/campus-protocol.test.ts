/**
 * The campus switching resources through the real dynamic-provider plugin (issue #24): the ids the
 * API assigns come back as outputs (a port then uses the policy's number), an interface's DHCP
 * settings follow its create within one call, refresh reads ids and drift, deletes follow the API's
 * rules, and the RADIUS secret, read from the plugin's environment, is in no output.
 */
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { DynProc, ProviderCalls, sdkProviderTexts, secret, startDynamicProvider } from "../helpers/dynamic-provider";

const NET = "L_000000000000000";
const SW_A = "AAAA-BBBB-CCCC";
const ORG = "1234567";
const SECRET = "plugin-radius-secret";

let t: TestEmulator;
let proc: DynProc;
let p: ProviderCalls;

beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 20 });
  const texts = await sdkProviderTexts();
  proc = await startDynamicProvider({ env: { RADIUS_SECRET: SECRET } });
  p = new ProviderCalls(proc, texts);
  await p.configure({ "meraki-batch:apiKey": secret(DEMO_API_KEY), "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": ORG, "meraki-batch:batchWindowMs": "100" });
});
const laterProcs: DynProc[] = [];
afterAll(async () => {
  await proc?.stop();
  for (const x of laterProcs) await x.stop();
  await t?.close();
});

/**
 * A later deployment's plugin (a process of its own): within one deployment, an object taken over
 * by a create (a port, a device) is left alone by a delete, which is how moving it between resources
 * sends nothing; deleting what was created is another `pulumi up`.
 */
async function later(): Promise<ProviderCalls> {
  const next = await startDynamicProvider({ env: { RADIUS_SECRET: SECRET } });
  laterProcs.push(next);
  const q = new ProviderCalls(next, await sdkProviderTexts());
  await q.configure({ "meraki-batch:apiKey": secret(DEMO_API_KEY), "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": ORG, "meraki-batch:batchWindowMs": "100" });
  return q;
}

const policyProps = { networkId: NET, name: "Desks", hostMode: "Single-Host", radiusServers: [{ host: "10.0.0.10", port: 1812, secret: { fromEnv: "RADIUS_SECRET" } }] };

test("an access policy's number is an output; a port uses it; the policy in use is not deleted, then it is", async () => {
  const policy = await p.create("SwitchAccessPolicy", "desks", policyProps);
  expect(policy.id).toBe(`${NET}/Desks`);
  expect(policy.outs).toMatchObject({ name: "Desks", accessPolicyNumber: 1, radiusServers: [{ host: "10.0.0.10", port: 1812, secret: { fromEnv: "RADIUS_SECRET" } }] });
  expect(JSON.stringify(policy.outs)).not.toContain(SECRET);
  const port = await p.create("SwitchPort", "desk-5", { serial: SW_A, portId: "5", accessPolicyType: "Custom access policy", accessPolicyNumber: policy.outs.accessPolicyNumber });
  expect((await t.api.get(`/devices/${SW_A}/switch/ports/5`)).body).toMatchObject({ accessPolicyNumber: 1 });
  // Refresh reads the number back; a rename in the Dashboard is drift.
  await t.api.put(`/networks/${NET}/switch/accessPolicies/1`, { guestVlanId: 7 });
  const read = await p.read("SwitchAccessPolicy", "desks", policy.id, { ...policy.outs, guestVlanId: 9 });
  expect(read.props).toMatchObject({ accessPolicyNumber: 1, guestVlanId: 7 });
  await expect(p.delete("SwitchAccessPolicy", "desks", policy.id, policy.outs)).rejects.toThrow(/Access policy 1 is in use by 1 switch port/);
  await (await later()).delete("SwitchPort", "desk-5", port.id, port.outs);
  await p.delete("SwitchAccessPolicy", "desks", policy.id, policy.outs);
  expect((await t.api.get(`/networks/${NET}/switch/accessPolicies`)).body).toEqual([]);
  // What the API received held the secret; the batch listing shows the bodies as sent.
  const sent = (await t.api.get(`/organizations/${ORG}/actionBatches`)).body.flatMap((b: any) => b.actions).find((a: any) => a.operation === "create" && a.resource.endsWith("/accessPolicies"));
  expect(sent.body.radiusServers[0].secret).toBe(SECRET);
});

test("an interface with DHCP: created, then its DHCP once its id is known, in one call; a route through it; ids as outputs", async () => {
  const svi = await p.create("SwitchRoutingInterface", "svi-10", {
    serial: SW_A, vlanId: 10, name: "Users", subnet: "10.10.0.0/24", interfaceIp: "10.10.0.2", defaultGateway: "10.10.0.1",
    dhcp: { dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours" },
  });
  expect(svi.id).toBe(`${SW_A}/10`);
  expect(svi.outs.interfaceId).toMatch(/^\d+$/);
  expect((await t.api.get(`/devices/${SW_A}/switch/routing/interfaces/${svi.outs.interfaceId}/dhcp`)).body).toMatchObject({ dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours" });
  const route = await p.create("SwitchStaticRoute", "default", { serial: SW_A, subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1" });
  expect(route.outs.staticRouteId).toMatch(/^\d+$/);
  // Olds carry the id outputs: an update plans from the inputs only.
  const updated = await p.update("SwitchStaticRoute", "default", route.id, route.outs, { serial: SW_A, subnet: "0.0.0.0/0", nextHopIp: "10.10.0.1", name: "Default" });
  expect(updated).toMatchObject({ name: "Default", staticRouteId: route.outs.staticRouteId });
  await expect(p.delete("SwitchRoutingInterface", "svi-10", svi.id, svi.outs)).rejects.toThrow(/without a layer 3 interface to reach the next hop/);
  await p.delete("SwitchStaticRoute", "default", route.id, updated);
  await p.delete("SwitchRoutingInterface", "svi-10", svi.id, svi.outs);
  expect((await t.api.get(`/devices/${SW_A}/switch/routing/interfaces`)).body).toEqual([]);
  // A deleted interface reads as gone.
  expect((await p.read("SwitchRoutingInterface", "svi-10", svi.id, svi.outs)).id).toBe("");
});

test("a link aggregation's id and a device's attributes (with what they replaced, for onDelete)", async () => {
  const lag = await p.create("LinkAggregation", "uplink", { networkId: NET, switchPorts: [{ serial: SW_A, portId: "49" }, { serial: SW_A, portId: "50" }] });
  expect(lag.outs.linkAggregationId).toBe((await t.api.get(`/networks/${NET}/switch/linkAggregations`)).body[0].id);
  await p.delete("LinkAggregation", "uplink", lag.id, lag.outs);
  const device = await p.create("Device", "core", { serial: SW_A, name: "Core", notes: "rack 1" });
  expect(device.outs).toMatchObject({ name: "Core", original: { name: "Switch A", notes: null } });
  await (await later()).delete("Device", "core", device.id, device.outs);
  expect((await t.api.get(`/devices/${SW_A}`)).body).toMatchObject({ name: "Switch A", notes: "" });
});

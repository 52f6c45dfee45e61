/**
 * The official Python SDK (PyPI `meraki`, unmodified; tests/helpers/pysdk.ts) and the campus
 * switching kinds (issue #24): it reads back what meraki-batch applied (examples/campus-core),
 * and its batch builders' actions for access policies, link aggregations, layer 3 interfaces
 * with DHCP, static routes and devices run in action batches against the emulator as built.
 */
import { execFile } from "child_process";
import * as path from "path";
import { CAMPUS_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";
import { pythonWithMeraki } from "../helpers/pysdk";

const ORG = "2930418";
const NET = "L_646829496481105433";
const CORE = "Q2CA-MS00-0001";
const DESK = "Q2CA-MS00-0004";
const SCRIPT = path.join(__dirname, "..", "fixtures", "pysdk", "campus_switching.py");

let t: TestEmulator;
let python: string;

beforeAll(async () => {
  // Installing the SDK the first time takes PyPI and a while.
  python = pythonWithMeraki();
  t = await testEmulator({ seed: "campus", frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  const applied = await cli(["apply", "examples/campus-core", "--yes", "--base-url", t.emu.url], { env: { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY, RADIUS_SECRET: "campus-core-secret" } });
  expect(applied.code).toBe(0);
}, 600_000);
afterAll(() => t?.close());

function sdk(phase: "read" | "builders"): Promise<any> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, BASE_URL: t.emu.url, API_KEY: CAMPUS_API_KEY, ORG, NET, CORE_SWITCH: CORE, DESK_SWITCH: DESK };
    execFile(python, [SCRIPT, phase], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${phase}: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}

test("the SDK reads back what meraki-batch applied: the policy and the ports on it, interfaces and their DHCP, routes, aggregations, the device", async () => {
  const r = await sdk("read");
  expect(r.accessPolicies).toHaveLength(1);
  const [policy] = r.accessPolicies;
  expect(policy).toMatchObject({ name: "Desks 802.1X", hostMode: "Multi-Domain", accessPolicyType: "Hybrid authentication", guestVlanId: 300, dot1x: { controlDirection: "inbound" } });
  expect(policy.radiusServers).toEqual([{ host: "10.0.10.20", port: 1812 }]);
  expect(r.deskPort).toMatchObject({ name: "Desk 7", accessPolicyType: "Custom access policy", accessPolicyNumber: Number(policy.accessPolicyNumber) });
  expect(r.interfaces.map((i: { vlanId: number }) => i.vlanId)).toEqual([10, 100, 200, 300]);
  expect(r.dhcp["100"]).toMatchObject({ dhcpMode: "dhcpServer", dhcpLeaseTime: "12 hours", dnsNameserversOption: "custom", dnsCustomNameservers: ["10.0.10.53"] });
  expect(r.dhcp["300"]).toMatchObject({ dhcpMode: "dhcpRelay", dhcpRelayServerIps: ["10.0.10.67"] });
  expect(r.dhcp["10"]).toMatchObject({ dhcpMode: "dhcpDisabled" });
  expect(r.staticRoutes.map((x: { subnet: string; nextHopIp: string }) => `${x.subnet} via ${x.nextHopIp}`).sort()).toEqual(["0.0.0.0/0 via 10.0.10.1", "172.16.0.0/12 via 10.0.10.254"]);
  expect(r.linkAggregations.map((a: { switchPorts: Array<{ serial: string; portId: string }> }) => a.switchPorts.map((m) => `${m.serial}/${m.portId}`).join(","))).toEqual(
    expect.arrayContaining([`${CORE}/51,${CORE}/52`, `${DESK}/49,${DESK}/50`]),
  );
  expect(r.device).toMatchObject({ serial: CORE, name: "Core 1", address: "1 Campus Drive, Building A", notes: "MDF, rack 1" });
});

test("the SDK's batch builders' actions run as built: creates report their ids, a later batch uses them, rules and rollback hold", async () => {
  const r = await sdk("builders");
  // As the builders make them: quoted path parameters, the body parameters they list, no body on destroy.
  expect(r.first.actions[0]).toEqual({
    resource: `/networks/${NET}/switch/accessPolicies`,
    operation: "create",
    body: expect.objectContaining({ name: "PySDK MAB", radiusAccountingEnabled: false, hostMode: "Multi-Auth" }),
  });
  expect(r.third.actions.filter((a: { operation: string }) => a.operation === "destroy").every((a: object) => !("body" in a))).toBe(true);
  expect(r.first.status).toMatchObject({ completed: true, failed: false, errors: [] });
  expect(r.first.status.createdResources.map((c: { uri: string }) => c.uri.replace(/\/[^/]+$/, ""))).toEqual([
    `/networks/${NET}/switch/accessPolicies`,
    `/devices/${DESK}/switch/routing/interfaces`,
    `/devices/${DESK}/switch/routing/staticRoutes`,
    `/networks/${NET}/switch/linkAggregations`,
  ]);
  expect(r.second.status).toMatchObject({ completed: true, failed: false });
  expect(r.after.policy).toMatchObject({ name: "PySDK MAB", accessPolicyType: "MAC authentication bypass", guestVlanId: 300, radiusServers: [{ host: "10.0.10.22", port: 1812 }] });
  expect(JSON.stringify(r.after.policy)).not.toContain("pysdk-secret");
  expect(r.after.interface).toMatchObject({ vlanId: 50, name: "PySDK users (renamed)", multicastRouting: "enabled", ospfSettings: { area: "0", cost: 10, isPassiveEnabled: true } });
  expect(r.after.dhcp).toMatchObject({ dhcpMode: "dhcpServer", dhcpLeaseTime: "4 hours", fixedIpAssignments: [{ name: "printer", mac: "22:33:44:55:66:77", ip: "10.50.0.40" }] });
  expect(r.after.route).toMatchObject({ subnet: "172.31.0.0/16", nextHopIp: "10.50.0.253", name: "PySDK route", preferOverOspfRoutesEnabled: true });
  expect(r.after.linkAggregations).toHaveLength(3);
  expect(r.after.port).toMatchObject({ accessPolicyType: "Custom access policy", accessPolicyNumber: Number(r.first.status.createdResources[0].id) });
  expect(r.after.device).toMatchObject({ name: "Desk switch (PySDK)", notes: "from the Python SDK's builders", address: "2 Campus Drive" });
  // Deleting a policy in use fails the batch; the route deleted before it in the batch stays.
  expect(r.inUse).toMatchObject({ completed: false, failed: true, createdResources: [] });
  expect(r.inUse.errors[0]).toMatch(/^Error occurred while executing destroy \/networks\/L_646829496481105433\/switch\/accessPolicies\/2 with \{\}: Validation failed: Access policy 2 is in use by 1 switch port/);
  expect(r.third.status).toMatchObject({ completed: true, failed: false });
  expect(r.left).toEqual({ policies: ["Desks 802.1X"], interfaces: [], routes: [], linkAggregations: 2 });
});

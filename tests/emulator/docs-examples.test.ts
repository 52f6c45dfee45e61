/**
 * The documentation's two action batch examples, run verbatim against the demo seed with only the
 * base URL changed (and the curl sample's <API_KEY> placeholder filled in).
 */
import { execFile, execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { DEMO_API_KEY } from "../../emulator";
import { NET, ORG, SW_A, SW_B, TestEmulator, testEmulator } from "../helpers/api";

const run = promisify(execFile);
const FIXTURES = path.join(__dirname, "..", "fixtures");
const REAL_BASE = "https://api.meraki.com";

function hasCommand(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

let t: TestEmulator;
beforeEach(async () => {
  t = await testEmulator({ rateLimit: 10 });
});
afterEach(() => t.close());

const haveCurl = hasCommand("curl", ["--version"]);
const havePython = hasCommand("python3", ["--version"]);
if (!haveCurl) console.log("skipping the curl example: curl is not installed");
if (!havePython) console.log("skipping the Python example: python3 is not installed");

(haveCurl ? test : test.skip)("the curl sample request (v0 base URL, X-Cisco-Meraki-API-Key, legacy switchPorts resource)", async () => {
  const script = fs.readFileSync(path.join(FIXTURES, "docs", "sample-request.sh"), "utf8").replace(REAL_BASE, t.emu.origin).replace("<API_KEY>", DEMO_API_KEY);
  const { stdout } = await run("bash", ["-c", script]);
  const batch = JSON.parse(stdout);
  expect(batch).toMatchObject({
    organizationId: "1234567890",
    confirmed: true,
    synchronous: true,
    status: { completed: true, failed: false, errors: [], createdResources: [] },
    actions: [{ resource: "/devices/QXXX-XXXX-XXXX/switchPorts/3", operation: "update", body: { enabled: true } }],
  });
  expect(batch.id).toMatch(/^\d+$/);
  const port = await t.api.get("/devices/QXXX-XXXX-XXXX/switch/ports/3");
  expect(port.body.enabled).toBe(true);
});

(havePython ? test : test.skip)("the Python example script creates VLAN 99, tags both switches and moves port 1 of each to VLAN 99", async () => {
  const script = fs.readFileSync(path.join(FIXTURES, "docs", "actionBatch-VlanUpdate.py"), "utf8").replace(REAL_BASE, t.emu.origin);
  const file = path.join(fs.mkdtempSync("/tmp/mb-doc-"), "actionBatch-VlanUpdate.py");
  fs.writeFileSync(file, script);
  const env = { ...process.env };
  if (!hasCommand("python3", ["-c", "import requests"])) env.PYTHONPATH = path.join(FIXTURES, "pyshim");
  const { stdout } = await run("python3", [file], { env });
  const batch = JSON.parse(stdout);
  expect(batch).toMatchObject({
    organizationId: ORG,
    confirmed: true,
    synchronous: true,
    status: { completed: true, failed: false, errors: [], createdResources: [{ id: "99", uri: `/networks/${NET}/vlans/99` }] },
  });
  expect(batch.actions).toHaveLength(5);

  const vlan = await t.api.get(`/networks/${NET}/appliance/vlans/99`);
  expect(vlan.body).toMatchObject({ id: 99, name: "API-VLAN", applianceIp: "172.16.99.1", subnet: "172.16.99.0/24" });
  for (const serial of [SW_A, SW_B]) {
    expect((await t.api.get(`/devices/${serial}`)).body.tags).toEqual(["APIness"]);
    expect((await t.api.get(`/devices/${serial}/switch/ports/1`)).body).toMatchObject({ tags: ["APIness"], type: "access", vlan: 99 });
  }

  // Running it a second time fails as the documentation's error sample shows, and changes nothing.
  const again = JSON.parse((await run("python3", [file], { env })).stdout);
  expect(again.status).toEqual({
    completed: false,
    failed: true,
    createdResources: [],
    errors: [
      `Error occurred while executing create /networks/${NET}/vlans with {"id":99,"name":"API-VLAN","applianceIp":"172.16.99.1","subnet":"172.16.99.0/24"}: Validation failed: Vlan has already been taken`,
    ],
  });
});

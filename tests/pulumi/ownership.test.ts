/**
 * VlanOwnership under Pulumi: the program runs as Pulumi runs it (@pulumi/pulumi/cmd/run against
 * the fake engine, its dynamic resources through the real plugin); the declaration registers as a
 * component resource with its network and deletes nothing: Pulumi deletes by its state.
 */
import * as fs from "fs";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { NET, TestEmulator, testEmulator } from "../helpers/api";
import { ROOT } from "../helpers/cli";
import { runProgram } from "../helpers/fake-engine";

// Inside the repository (git-ignored tmp/): the plugin requires meraki-batch from the program's directory.
const dir = path.join(ROOT, "tmp", `ownership-pulumi-${process.pid}`);

let t: TestEmulator;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: owned\nruntime: nodejs\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "owned", private: true, main: "index.ts" }));
  fs.writeFileSync(
    path.join(dir, "index.ts"),
    [
      'import * as meraki from "meraki-batch";',
      `new meraki.VlanOwnership("branch-vlans", { networkId: "${NET}" });`,
      `new meraki.Vlan("users", { networkId: "${NET}", vlanId: 10, name: "Users", subnet: "10.0.10.0/24", applianceIp: "10.0.10.1" });`,
      "",
    ].join("\n"),
  );
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("accepted as a component with its network; the VLANs the stack never managed stay", async () => {
  expect((await t.api.post(`/networks/${NET}/appliance/vlans`, { id: "40", name: "Lab", subnet: "10.0.40.0/24", applianceIp: "10.0.40.1" })).status).toBe(201);
  const config = { "meraki-batch:apiKey": DEMO_API_KEY, "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": "1234567" };
  const up = await runProgram({ programDir: dir, project: "owned", stack: "dev", config, secretKeys: ["meraki-batch:apiKey"] });
  expect(up.stderr).toBe("");
  expect(up.exitCode).toBe(0);
  expect(up.steps).toEqual({ create: 1, update: 0, same: 0 });
  expect(up.others.filter((o) => o.type !== "pulumi:pulumi:Stack")).toEqual([{ type: "meraki-batch:index:VlanOwnership", name: "branch-vlans", custom: false, inputs: { networkId: NET } }]);
  const live = ((await t.api.get(`/networks/${NET}/appliance/vlans`)).body as Array<{ id: number }>).map((v) => v.id);
  expect(live).toEqual([1, 10, 40]);
});

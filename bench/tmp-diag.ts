import * as path from "path";
import { startEmulator, DEMO_API_KEY } from "../emulator";
import { PulumiProject } from "../tools/pulumi/project";
import { findToolchain } from "../tools/pulumi/toolchain";
(async () => {
  const tc = findToolchain() as any;
  const emu = await startEmulator({ port: 0, seed: "demo", rateLimit: 0, batchLatencyMs: 20 });
  const p = await PulumiProject.create(tc, { program: path.resolve("examples/branch-office"), config: { "meraki-batch:baseUrl": emu.url, "meraki-batch:organizationId": "1234567" }, env: { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY } });
  let r = await p.run(["preview"]); console.log("=== PREVIEW\n" + r.stdout);
  r = await p.run(["up", "--yes", "--skip-preview"]); console.log("=== UP\n" + r.stdout);
  await fetch(emu.url + "/devices/AAAA-BBBB-CCCC/switch/ports/5", { method: "PUT", headers: { Authorization: "Bearer " + DEMO_API_KEY, "Content-Type": "application/json" }, body: JSON.stringify({ vlan: 30, name: "Temporary guest desk" }) });
  r = await p.run(["preview"]); console.log("=== DRIFT PREVIEW\n" + r.stdout);
  await p.dispose(); await emu.close();
})();

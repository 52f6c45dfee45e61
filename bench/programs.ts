/**
 * The big programs of the program-cost bench: the campus seed's switches, every port declared,
 * in two forms with the same values — **bulk** (one SwitchPorts per switch, as examples/campus)
 * and **per-port** (one SwitchPort per port) — plus the core's 3 VLANs. The port profiles are
 * examples/campus's less `stormControlEnabled`, which `switch/ports/bySwitch` does not return: with
 * it the plan reads each switch on its own, one request per switch at the Dashboard's 10 per
 * second (bench/README.md), and the bench would measure the rate limit instead of the program.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { repoRoot } from "../tools/pulumi/toolchain";

export type ProgramForm = "bulk" | "per-port";

export const PORTS_PER_SWITCH = 48;
export const CAMPUS_ORG = "2930418";

/** Each port's settings, a function of the switch number and port id (the same in both forms). */
const PROFILE = `
const STAFF = 100;
const VOICE = 200;
const IOT = 300;
const core = "L_646829496481105433";
new meraki.Vlan("staff", { networkId: core, vlanId: STAFF, name: "Staff", subnet: "10.100.0.0/16", applianceIp: "10.100.0.1", dhcpLeaseTime: "12 hours" });
new meraki.Vlan("voice", { networkId: core, vlanId: VOICE, name: "Voice", subnet: "10.200.0.0/20", applianceIp: "10.200.0.1" });
new meraki.Vlan("iot", { networkId: core, vlanId: IOT, name: "IoT", subnet: "10.30.0.0/20", applianceIp: "10.30.0.1", dnsNameservers: "google_dns" });

/** Campus seed serials: Q2CA-MS00-0001 … */
const serial = (n: number) => \`Q2CA-MS\${String(n).padStart(4, "0").slice(0, 2)}-\${String(n).padStart(4, "0")}\`;

function profile(n: number, port: string): meraki.PortFields {
  const p = Number(port);
  if (p <= 40) return { name: \`B\${Math.ceil(n / 4)}-SW\${n}-D\${port}\`, type: "access", vlan: STAFF, voiceVlan: VOICE, stpGuard: "bpdu guard" };
  if (p <= 46) return { name: "IoT", type: "access", vlan: IOT, poeEnabled: true, accessPolicyType: "Sticky MAC allow list", stickyMacAllowListLimit: 2 };
  return { name: \`Uplink \${p === 47 ? "A" : "B"}\`, type: "trunk", vlan: 1, allowedVlans: "1,100,200,300", rstpEnabled: true };
}
`;

const DECLARE: Record<ProgramForm, string> = {
  bulk: `for (let n = 1; n <= switches; n++) meraki.switchPorts(\`sw\${n}\`, { serial: serial(n), ports: "1-${PORTS_PER_SWITCH}" }, (port) => profile(n, port));`,
  "per-port": `for (let n = 1; n <= switches; n++) {
  for (let p = 1; p <= ${PORTS_PER_SWITCH}; p++) new meraki.SwitchPort(\`sw\${n}-\${p}\`, { serial: serial(n), portId: String(p), ...profile(n, String(p)) });
}`,
};

/** The program's index.ts: the switch count comes from the stack's config (`bench:switches`), so one source (one type check) serves every size. */
export function programSource(form: ProgramForm): string {
  return `import * as pulumi from "@pulumi/pulumi";
import * as meraki from "meraki-batch";

const switches = new pulumi.Config().requireNumber("switches");
${PROFILE}
${DECLARE[form]}
`;
}

/** Switches for at least `ports` ports. */
export const switchesFor = (ports: number) => Math.ceil(ports / PORTS_PER_SWITCH);

/**
 * A program directory in a temporary directory: Pulumi.yaml, index.ts and node_modules linked to
 * this repository's (so `meraki-batch` and `@pulumi/pulumi` resolve as in a user's project).
 * `stack` writes Pulumi.dev.yaml (the CLI reads it; a real Pulumi project writes its own).
 */
export function writeProgram(form: ProgramForm, stack?: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `mb-bench-${form}-`));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: bench\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`);
  fs.writeFileSync(path.join(dir, "index.ts"), programSource(form));
  fs.symlinkSync(path.join(repoRoot(), "node_modules"), path.join(dir, "node_modules"), "dir");
  if (stack) writeStack(dir, stack);
  return dir;
}

export function writeStack(dir: string, config: Record<string, string>): void {
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), ["config:", ...Object.entries(config).map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`), ""].join("\n"));
}

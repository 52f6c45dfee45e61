/**
 * How the CLI collects a program's resources under Pulumi's mock runtime (cli/program.ts,
 * cli/mock-runtime.ts). meraki-batch's own types go through a lean registration; it must collect
 * exactly what the runtime's own registration collects: inputs from other resources' outputs,
 * applies, promises, secrets, references to ids the API assigns, resources in components and
 * inside applies, a program that reads outputs (urn, id, properties) while it runs. Resources come
 * in the order the program declares them.
 */
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { lightenRuntime } from "../../cli/mock-runtime";
import { ROOT } from "../helpers/cli";
import { IMPORT_MERAKI, removeTempPrograms, tempProgram } from "../helpers/programs";

afterEach(() => removeTempPrograms());

const PULUMI = `const pulumi = require(${JSON.stringify(require.resolve("@pulumi/pulumi"))});`;
const MERAKI = IMPORT_MERAKI.replace(/^import \* as meraki from (.*);$/, "const meraki = require($1);");

/** Many kinds of input, and resources made in a component and inside an apply. */
const INPUTS = `${PULUMI}
${MERAKI}
const v = new meraki.Vlan("v", { networkId: "N_1", vlanId: 10, name: "x", subnet: "10.0.0.0/24", applianceIp: "10.0.0.1" });
new meraki.SwitchPort("p1", { serial: "S1", portId: "1", vlan: v.vlanId, name: v.name.apply((n) => n + "-port") });
new meraki.SwitchPort("p2", { serial: "S1", portId: "2", vlan: Promise.resolve(20), name: pulumi.secret("hidden"), tags: ["a", undefined, "b"] });
new meraki.SwitchPort("p3", { serial: "S1", portId: "3", vlan: 30 }, { dependsOn: [v] });
const pol = new meraki.SwitchAccessPolicy("pol", { networkId: "N_1", name: "dot1x", radiusServers: [{ host: "10.0.0.5", port: 1812, secret: meraki.secretFromEnv("RADIUS_SECRET") }] });
new meraki.SwitchPort("p4", { serial: "S1", portId: "4", accessPolicyType: "Custom access policy", accessPolicyNumber: pol.accessPolicyNumber });
class Site extends pulumi.ComponentResource {
  constructor(name, opts) {
    super("acme:Site", name, {}, opts);
    new meraki.SwitchPort(name + "-p5", { serial: "S1", portId: "5", vlan: 5, name: pulumi.interpolate\`\${v.name} at \${name}\` }, { parent: this });
    this.registerOutputs({});
  }
}
new Site("site");
new meraki.VlanOwnership("own", { networkId: "N_1" });
meraki.switchPorts("bulk", { serial: "S2", ports: "1-4" }, (p) => ({ name: "D" + p, vlan: Number(p) < 3 ? 10 : 20 }));
v.id.apply((id) => new meraki.SwitchPort("late", { serial: "S1", portId: "9", name: String(id) }));
`;

/** A program that waits for outputs while it runs. */
const READS_BACK = `${PULUMI}
${MERAKI}
const value = (o) => new Promise((ok) => o.apply(ok));
module.exports = async () => {
  const v = new meraki.Vlan("v", { networkId: "N_1", vlanId: 10, name: "x", subnet: "10.0.0.0/24", applianceIp: "10.0.0.1" });
  new meraki.SwitchPort("p", { serial: "S1", portId: "1", name: [await value(v.id), await value(v.urn), await value(v.vlanId)].join("|") });
  const q = new meraki.SwitchPort("q", { serial: "S1", portId: "2", vlan: 7 });
  new meraki.SwitchPort("r", { serial: "S1", portId: "3", name: JSON.stringify(await value(pulumi.all([q.vlan, q.serial, q.urn, q.id]))) });
};
`;

/** A small script that collects a program both ways, as the CLI does (dist/cli/program.js). */
function collect(dir: string, lean: boolean): Promise<any> {
  const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "mb-collect-")), "collect.js");
  fs.writeFileSync(
    script,
    `require(${JSON.stringify(path.join(ROOT, "dist", "cli", "program.js"))}).loadProgram(process.argv[2], { noTypeCheck: true, leanRegistration: process.argv[3] === "lean" })` +
      `.then((p) => { delete p.dir; process.stdout.write(JSON.stringify(p)); }, (e) => { process.stdout.write(JSON.stringify({ error: e.message })); });`,
  );
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [script, dir, lean ? "lean" : "runtime"], { env: { ...process.env, RADIUS_SECRET: "s3cret" } }, (err, stdout) => {
      fs.rmSync(path.dirname(script), { recursive: true, force: true });
      if (err) reject(err);
      else resolve(JSON.parse(stdout));
    }),
  );
}

const names = (p: { resources: Array<{ name: string }> }) => p.resources.map((r) => r.name);
const props = (p: { resources: Array<{ name: string; props: unknown }> }, name: string) => p.resources.find((r) => r.name === name)!.props;

test("every kind of input: the lean registration collects what the runtime's own does, in the program's order", async () => {
  const dir = tempProgram("inputs", { "index.js": INPUTS });
  const [lean, runtime] = await Promise.all([collect(dir, true), collect(dir, false)]);
  expect(lean).toEqual(runtime);
  expect(names(lean)).toEqual(["v", "p1", "p2", "p3", "pol", "p4", "site-p5", "bulk", "late"]);
  expect(props(lean, "p1")).toEqual({ serial: "S1", portId: "1", vlan: 10, name: "x-port" });
  expect(props(lean, "p2")).toMatchObject({ vlan: 20, tags: ["a", null, "b"] });
  expect(JSON.stringify(props(lean, "p2"))).toContain('"value":"hidden"');
  expect(props(lean, "p4")).toMatchObject({ accessPolicyNumber: { $ref: "pol", kind: "switchAccessPolicy", output: "accessPolicyNumber" } });
  expect(props(lean, "site-p5")).toMatchObject({ name: "x at site" });
  expect(props(lean, "bulk")).toMatchObject({ serial: "S2", ports: "1-4", overrides: { 1: { name: "D1", vlan: 10 }, 4: { name: "D4", vlan: 20 } } });
  expect(props(lean, "late")).toMatchObject({ name: "v_id" });
  expect(lean.owned).toEqual([{ name: "own", networkId: "N_1" }]);
  expect(lean.ignored).toEqual(["acme:Site site"]);
});

test("a program that reads urn, id and properties while it runs sees what the mock assigns", async () => {
  const dir = tempProgram("readsback", { "index.js": READS_BACK });
  const [lean, runtime] = await Promise.all([collect(dir, true), collect(dir, false)]);
  expect(lean).toEqual(runtime);
  expect(props(lean, "p")).toMatchObject({ name: "v_id|urn:pulumi:dev::readsback::pulumi-nodejs:dynamic/meraki:Vlan::v|10" });
  expect(JSON.parse((props(lean, "r") as { name: string }).name)).toEqual([7, "S1", "urn:pulumi:dev::readsback::pulumi-nodejs:dynamic/meraki:SwitchPort::q", "q_id"]);
});

test.each(["branch-office", "campus", "campus-core", "gitops"])("examples/%s: the same resources both ways, in the program's order", async (example) => {
  const dir = path.join(ROOT, "examples", example);
  const [lean, runtime] = await Promise.all([collect(dir, true), collect(dir, false)]);
  expect(lean.error).toBeUndefined();
  expect(lean).toEqual(runtime);
  // The runtime's own order put the ten SwitchPorts first (their nested inputs take more steps); the program declares the VLANs first.
  if (example === "campus") expect(names(lean)).toEqual(["staff", "voice", "iot", ...Array.from({ length: 10 }, (_, i) => `sw${i + 1}`)]);
});

test("with the @pulumi/pulumi this package pins, every replacement is in place (an upgrade that moves one fails here, not only slower), and restore puts the runtime's own functions back", () => {
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi"));
  const debuggable = require(path.join(pulumiDir, "runtime", "debuggable.js"));
  const resource = require(path.join(pulumiDir, "runtime", "resource.js"));
  const originals = [debuggable.debuggablePromise, resource.registerResource];
  const light = lightenRuntime(pulumiDir, {}, () => true);
  try {
    expect(light.replaced).toEqual(["promise stacks", "lazy properties", "call sites", "provider text", "lean registration", "program order"]);
    expect([debuggable.debuggablePromise, resource.registerResource].map((f, i) => f === originals[i])).toEqual([false, false]);
  } finally {
    light.restore();
  }
  expect([debuggable.debuggablePromise, resource.registerResource]).toEqual(originals);
  // Under PULUMI_DEBUG_PROMISE_LEAKS the promise stacks are what it prints: left alone.
  const leaks = lightenRuntime(pulumiDir, { PULUMI_DEBUG_PROMISE_LEAKS: "true" }, () => true);
  leaks.restore();
  expect(leaks.replaced).not.toContain("promise stacks");
});

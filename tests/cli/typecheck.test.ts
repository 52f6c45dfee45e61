/**
 * TypeScript programs are type checked before they run, as `pulumi up` does: TypeScript's own
 * messages at file:line:column, each once, nothing read or sent. A check that passed is
 * remembered by the hashes of the files it read, so a repeat plan does not pay for it again; an
 * edited file is checked again. --no-type-check, Pulumi.yaml's runtime.options.typescript: false,
 * PULUMI_NODEJS_TRANSPILE_ONLY=true and tsconfig's noCheck turn it off.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli } from "../helpers/cli";
import { IMPORT_MERAKI, removeTempPrograms, tempProgram } from "../helpers/programs";

let t: TestEmulator;
let cache: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
});
beforeEach(() => {
  cache = fs.mkdtempSync(path.join(os.tmpdir(), "mb-tc-cache-"));
  env = {
    MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY,
    MERAKI_DASHBOARD_API_BASE_URL: t.emu.url,
    MERAKI_ORGANIZATION_ID: "1234567",
    MERAKI_BATCH_CACHE_DIR: cache,
    MERAKI_BATCH_DEBUG: undefined,
    PULUMI_NODEJS_TRANSPILE_ONLY: undefined,
    PULUMI_NODEJS_TSCONFIG_PATH: undefined,
  };
});
afterEach(() => {
  removeTempPrograms();
  fs.rmSync(cache, { recursive: true, force: true });
});
afterAll(() => t.close());

const MISSPELT = [
  IMPORT_MERAKI,
  "",
  'new meraki.SwitchPort("uplink", { serial: "AAAA-BBBB-CCCC", portId: "48", type: "trunk" });',
  'meraki.switchPorts("desks", { serial: "AAAA-BBBB-CCCC", ports: "2-40" }, { vlan: 10, voiceVlna: 20 });',
  "",
].join("\n");

/** A type error that changes nothing at run time: the program plans fine unchecked. */
const HARMLESS = [IMPORT_MERAKI, "", "const floor: number = \"one\";", 'new meraki.DeviceTags("tags", { serial: "AAAA-BBBB-CCCC", tags: [`floor-${floor}`] });', ""].join("\n");

const debugLines = (stderr: string) => stderr.split("\n").filter((l) => l.startsWith("debug: type check"));

test("a misspelt field: TypeScript's message with its file, line and suggestion, once; nothing read or sent", async () => {
  const dir = tempProgram("misspelt", { "index.ts": MISSPELT });
  await t.control.clearRequests();
  const r = await cli(["plan", dir], { env });
  expect(r.code).toBe(1);
  expect(r.stdout).toBe("");
  expect(r.stderr).toBe(
    [
      "error: the program does not compile (1 error):",
      `  ${path.join(dir, "index.ts")}:4:86 - error TS2353: Object literal may only specify known properties, and 'voiceVlna' does not exist in type 'Inputs<PortFields> | ((portId: string) => OnlyPortFields<Inputs<PortFields>>)'.`,
      '      4 | meraki.switchPorts("desks", { serial: "AAAA-BBBB-CCCC", ports: "2-40" }, { vlan: 10, voiceVlna: 20 });',
      "        |                                                                                      ^",
      "hint: fix the program; nothing was sent",
      "",
    ].join("\n"),
  );
  expect(await t.control.requests()).toEqual([]);

  // A single port: the compiler's own "did you mean".
  const one = tempProgram("misspelt-one", { "index.ts": `${IMPORT_MERAKI}\nnew meraki.SwitchPort("p", { serial: "AAAA-BBBB-CCCC", portId: "1", voiceVlna: 20 });\n` });
  const r1 = await cli(["apply", one, "--yes"], { env });
  expect(r1.code).toBe(1);
  expect(r1.stderr.split("\n").slice(0, 2)).toEqual([
    "error: the program does not compile (1 error):",
    `  ${path.join(one, "index.ts")}:2:69 - error TS2561: Object literal may only specify known properties, but 'voiceVlna' does not exist in type 'SwitchPortArgs'. Did you mean to write 'voiceVlan'?`,
  ]);
  expect(await t.control.requests()).toEqual([]);

  // Per-port settings from a function: TypeScript does not check a returned object for unknown
  // fields by itself; switchPorts' type does, at the line of the call.
  const fn = tempProgram("misspelt-fn", { "index.ts": `${IMPORT_MERAKI}\nmeraki.switchPorts("desks", { serial: "AAAA-BBBB-CCCC", ports: "2-40" }, (port) => ({ name: \`Desk \${port}\`, voiceVlna: 20 }));\n` });
  const r2 = await cli(["plan", fn], { env });
  expect(r2.code).toBe(1);
  expect(r2.stderr).toMatch(new RegExp(`^error: the program does not compile \\(1 error\\):\\n  ${path.join(fn, "index.ts").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:\\d+ - error TS2345: .*voiceVlna`));
  expect(await t.control.requests()).toEqual([]);
});

test("MERAKI_BATCH_DEBUG=1 adds the compiler's own text", async () => {
  const dir = tempProgram("misspelt", { "index.ts": HARMLESS });
  const r = await cli(["plan", dir], { env: { ...env, MERAKI_BATCH_DEBUG: "1" } });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain("debug: Type checked as Pulumi does (--no-type-check, or runtime.options.typescript: false in Pulumi.yaml, turns it off). The compiler's text:");
  expect(r.stderr).toMatch(/\ndebug: .*index\.ts\(3,7\): error TS2322: Type 'string' is not assignable to type 'number'\.\n/);
});

test("a repeat plan does not check again; an edited file is checked again, and a fixed one passes", async () => {
  const dir = tempProgram("cached", { "index.ts": HARMLESS.replace('"one"', "1") });
  const debug = { ...env, MERAKI_BATCH_DEBUG: "1" };
  const first = await cli(["plan", dir], { env: debug });
  expect(first.code).toBe(0);
  expect(debugLines(first.stderr)).toEqual([expect.stringMatching(/^debug: type check: \d+ files checked in \d+ ms$/)]);
  const second = await cli(["plan", dir], { env: debug });
  expect(second.code).toBe(0);
  const [line] = debugLines(second.stderr);
  expect(line).toMatch(/^debug: type check: passed before with these files \(\d+ hashed, \d+ ms\)$/);
  // The cached run hashes the program and one package.json per package: far below a check.
  expect(Number(/(\d+) hashed/.exec(line)![1])).toBeLessThan(100);

  fs.writeFileSync(path.join(dir, "index.ts"), HARMLESS);
  const broken = await cli(["plan", dir], { env: debug });
  expect(broken.code).toBe(1);
  expect(broken.stderr).toContain("index.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.");
  fs.writeFileSync(path.join(dir, "index.ts"), HARMLESS.replace('"one"', "2"));
  const fixed = await cli(["plan", dir], { env: debug });
  expect(fixed.code).toBe(0);
  expect(debugLines(fixed.stderr)).toEqual([expect.stringMatching(/files checked in/)]);
});

test("a type error in a module the program imports is found too, and editing that module invalidates the cache", async () => {
  const dir = tempProgram("modules", {
    "index.ts": `${IMPORT_MERAKI}\nimport { floor } from "./site";\nnew meraki.DeviceTags("tags", { serial: "AAAA-BBBB-CCCC", tags: [floor] });\n`,
    "site.ts": 'export const floor: string = "floor-1";\n',
  });
  const debug = { ...env, MERAKI_BATCH_DEBUG: "1" };
  expect((await cli(["plan", dir], { env: debug })).code).toBe(0);
  expect(debugLines((await cli(["plan", dir], { env: debug })).stderr)[0]).toMatch(/passed before/);
  fs.writeFileSync(path.join(dir, "site.ts"), "export const floor: string = 1;\n");
  const r = await cli(["plan", dir], { env: debug });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain(`${path.join(dir, "site.ts")}:1:14 - error TS2322: Type 'number' is not assignable to type 'string'.`);
});

describe("turned off as under Pulumi", () => {
  const plans = async (dir: string, extra: string[] = [], more: NodeJS.ProcessEnv = {}) => {
    const r = await cli(["plan", dir, ...extra], { env: { ...env, ...more, MERAKI_BATCH_DEBUG: "1" } });
    expect(r.stderr).not.toContain("error:");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("~ DeviceTags tags (tags): tags [] → [\"floor-one\"]");
    return debugLines(r.stderr);
  };

  test("--no-type-check (plan and apply)", async () => {
    const dir = tempProgram("off", { "index.ts": HARMLESS });
    expect(await plans(dir, ["--no-type-check"])).toEqual(["debug: type check: off (--no-type-check)"]);
    // apply too (on the other switch, so that the plans here still see the change to make)
    const other = tempProgram("off", { "index.ts": HARMLESS.replace("AAAA-BBBB-CCCC", "DDDD-EEEE-FFFF") });
    const r = await cli(["apply", other, "--no-type-check", "--yes"], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Applied: 1 applied");
  });

  test("runtime.options.typescript: false in Pulumi.yaml", async () => {
    const dir = tempProgram("off", { "index.ts": HARMLESS });
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: off\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n");
    expect(await plans(dir)).toEqual(["debug: type check: off (Pulumi.yaml: runtime.options.typescript is false)"]);
  });

  test("PULUMI_NODEJS_TRANSPILE_ONLY=true, and tsconfig's noCheck", async () => {
    const dir = tempProgram("off", { "index.ts": HARMLESS });
    expect(await plans(dir, [], { PULUMI_NODEJS_TRANSPILE_ONLY: "true" })).toEqual(["debug: type check: off (PULUMI_NODEJS_TRANSPILE_ONLY=true)"]);
    fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { noCheck: true } }));
    expect(await plans(dir)).toEqual(["debug: type check: off (tsconfig.json: noCheck)"]);
  });
});

test("JavaScript programs are not checked (Pulumi checks only TypeScript)", async () => {
  const dir = tempProgram("js", { "index.js": `const meraki = require(${JSON.stringify(path.resolve(__dirname, "..", ".."))});\nconst floor = 1;\nnew meraki.DeviceTags("tags", { serial: "AAAA-BBBB-CCCC", tags: [\`floor-\${floor}\`] });\n` });
  const r = await cli(["plan", dir], { env: { ...env, MERAKI_BATCH_DEBUG: "1" } });
  expect(r.code).toBe(0);
  expect(debugLines(r.stderr)).toEqual([]);
});

/**
 * `meraki-batch import` of the demo seed, as it ships and with examples/branch-office applied:
 * the files, their shape (golden), determinism, compiling, and a plan of the result with no
 * changes. The CLI runs as a user runs it; the programs live under the repository's tmp/.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { expectGolden, readDir, removeWorkDirs, run, typeErrors, workDir } from "./support";

const GOLDEN = path.join(__dirname, "golden");
const ORG = "1234567";
const EPOCH = "1764288000"; // 2025-11-28T00:00:00Z

let t: TestEmulator;
const programs: string[] = [];

beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
});
afterAll(async () => {
  await t?.close();
  removeWorkDirs();
});

const importTo = (dir: string, env: NodeJS.ProcessEnv = {}) => run(["import", dir, "--base-url", t.emu.url, "--org", ORG], DEMO_API_KEY, env);
const plan = (dir: string) => run(["plan", dir, "--detailed-exitcode"], DEMO_API_KEY);

test("the demo seed as it ships: VLAN 1, adopted and kept on delete; a complete project without the key; no changes", async () => {
  const dir = path.join(workDir("demo"), "demo");
  const r = await importTo(dir);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`Imported organization ${ORG} from ${t.emu.url}: 1 VLAN in 1 network, 0 device tag sets, 0 ports, 3 device attribute sets.`);
  const files = readDir(dir);
  expect(Object.keys(files)).toEqual(["Pulumi.dev.yaml", "Pulumi.yaml", "README.md", "index.ts", "package.json", "tsconfig.json"]);
  for (const [name, text] of Object.entries(files)) expect([name, text.includes(DEMO_API_KEY)]).toEqual([name, false]);
  expect(parse(files["Pulumi.dev.yaml"])).toEqual({ config: { "meraki-batch:baseUrl": t.emu.url, "meraki-batch:organizationId": ORG } });
  expect(parse(files["Pulumi.yaml"])).toMatchObject({ name: "demo", runtime: { name: "nodejs", options: { typescript: true } } });
  expect(JSON.parse(files["package.json"]).dependencies).toEqual({ "@pulumi/pulumi": "3.276.0", "meraki-batch": "^0.1.0" });
  expectGolden(files["index.ts"], path.join(GOLDEN, "demo.index.ts.golden"));
  expect(files["README.md"]).toContain(`A Pulumi program for Meraki organization ${ORG}, written by \`meraki-batch import\``);
  expect(files["README.md"]).toContain(`(${t.emu.url})`);
  const p = await plan(dir);
  expect(p.stderr).toBe("");
  expect(p.code).toBe(0);
  expect(p.stdout).toContain("No changes. The live network matches the program.");
  programs.push(path.join(dir, "index.ts"));
});

describe("the demo seed with examples/branch-office applied", () => {
  const dirs: string[] = [];
  beforeAll(async () => {
    const applied = await run(["apply", "examples/branch-office", "--base-url", t.emu.url, "--org", ORG, "--yes"], DEMO_API_KEY);
    expect(applied.code).toBe(0);
  });

  test("the program's shape (golden), and it plans with no changes", async () => {
    // The project is named after its directory: the same name each time.
    const dir = path.join(workDir("branch"), "branch-office");
    dirs.push(dir);
    const r = await importTo(dir, { SOURCE_DATE_EPOCH: EPOCH });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("5 VLANs in 1 network, 2 device tag sets, 90 ports of 2 switches, 3 device attribute sets.");
    const files = readDir(dir);
    expectGolden(files["index.ts"], path.join(GOLDEN, "branch-office.index.ts.golden"));
    expectGolden(files["README.md"].replace(t.emu.url, "http://EMULATOR/api/v1"), path.join(GOLDEN, "branch-office.README.md.golden"));
    expectGolden(files["tsconfig.json"], path.join(GOLDEN, "tsconfig.json.golden"));
    // The README's excerpt is this output: each part between "// …" lines, verbatim.
    const readme = fs.readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Start from an existing network"));
    const excerpt = section.slice(section.indexOf("```ts\n") + 6, section.indexOf("\n```\n", section.indexOf("```ts\n")));
    const parts = excerpt.split("\n// …\n");
    expect(parts.length).toBeGreaterThanOrEqual(2);
    for (const part of parts) expect(files["index.ts"]).toContain(part);
    // The branch's 101 resources (its VLAN settings, 5 VLANs, 3 devices' attributes, 2 tag sets, 90 ports) in 19 declarations.
    expect(files["index.ts"].match(/^(const \w+ = )?(new meraki\.|meraki\.switchPorts)/gm)).toHaveLength(19);
    const p = await run(["plan", dir, "--detailed-exitcode", "--json"], DEMO_API_KEY);
    expect(p.code).toBe(0);
    expect(JSON.parse(p.stdout).summary).toEqual({ create: 0, update: 0, delete: 0, noop: 101, actions: 0, batches: 0 });
    programs.push(path.join(dir, "index.ts"));
  });

  test("importing twice gives the same bytes; without a fixed time only the README's time differs", async () => {
    const again = path.join(workDir("branch-again"), "branch-office");
    expect((await importTo(again, { SOURCE_DATE_EPOCH: EPOCH })).code).toBe(0);
    expect(readDir(again)).toEqual(readDir(dirs[0]));
    const now = path.join(workDir("branch-now"), "branch-office");
    expect((await importTo(now)).code).toBe(0);
    const a = readDir(dirs[0]);
    const b = readDir(now);
    for (const f of Object.keys(a)) if (f !== "README.md") expect([f, b[f]]).toEqual([f, a[f]]);
    const diff = a["README.md"].split("\n").filter((l, i) => l !== b["README.md"].split("\n")[i]);
    expect(diff).toEqual([`live network at ${new Date(Number(EPOCH) * 1000).toISOString()} (${t.emu.url}).`]);
  });
});

test("the programs compile with the project's TypeScript settings and with the tsconfig.json they come with", () => {
  expect(programs).toHaveLength(2);
  expect(typeErrors(programs)).toEqual([]);
  for (const p of programs) expect(typeErrors([p], path.join(path.dirname(p), "tsconfig.json"))).toEqual([]);
  expect(fs.existsSync(programs[0])).toBe(true);
});

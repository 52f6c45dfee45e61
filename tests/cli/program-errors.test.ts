/**
 * Errors a user can act on: a program that does not compile (the compiler's messages at
 * file:line:column), a program that throws (its message and its own line, not meraki-batch's or
 * Pulumi's), MERAKI_BATCH_DEBUG=1 details, --stack without its file, an organization the key
 * cannot see. Nothing is sent to the API for a broken program.
 */
import * as path from "path";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { cli, PROGRAMS } from "../helpers/cli";
import { IMPORT_MERAKI, removeTempPrograms, smallWithStack, tempProgram } from "../helpers/programs";

let t: TestEmulator;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0 });
  env = { MERAKI_DASHBOARD_API_KEY: DEMO_API_KEY, MERAKI_DASHBOARD_API_BASE_URL: t.emu.url, MERAKI_ORGANIZATION_ID: "1234567", MERAKI_BATCH_DEBUG: undefined };
});
afterAll(() => t.close());
afterEach(() => removeTempPrograms());

const debug = () => ({ ...env, MERAKI_BATCH_DEBUG: "1" });
const noTrace = (s: string) => expect(s).not.toMatch(/\n\s+at /);

const SYNTAX_ERROR_TS = [
  IMPORT_MERAKI,
  "",
  'new meraki.Vlan("v", { networkId: "L_000000000000000", vlanId: 10 name: "x" });',
  "",
].join("\n");

const THROWS_TS = [
  IMPORT_MERAKI,
  "",
  "interface Site {",
  "  name: string;",
  "  switches: string[];",
  "}",
  "",
  'const site: Site = { name: "branch", switches: [] };',
  "",
  "function firstSwitch(s: Site): string {",
  "  if (!s.switches.length) throw new Error(`site ${s.name} has no switches`);",
  "  return s.switches[0];",
  "}",
  "",
  'new meraki.DeviceTags("tags", { serial: firstSwitch(site), tags: ["x"] });',
  "",
].join("\n");

describe("a program that does not compile", () => {
  test("TypeScript: the compiler's message at file:line:column with the line, and nothing sent", async () => {
    const dir = tempProgram("syntax", { "index.ts": SYNTAX_ERROR_TS });
    await t.control.clearRequests();
    const r = await cli(["plan", dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "error: the program does not compile (1 error):",
        `  ${path.join(dir, "index.ts")}:3:67 - error TS1005: ',' expected.`,
        '      3 | new meraki.Vlan("v", { networkId: "L_000000000000000", vlanId: 10 name: "x" });',
        "        |                                                                   ^",
        "hint: fix the program; nothing was sent",
        "",
      ].join("\n"),
    );
    expect(await t.control.requests()).toEqual([]);
    // Unchecked (--no-type-check), ts-node finds it as the program loads: the same report.
    const unchecked = await cli(["plan", dir, "--no-type-check"], { env });
    expect(unchecked.code).toBe(1);
    expect(unchecked.stderr).toBe(r.stderr);
    expect(await t.control.requests()).toEqual([]);
  });

  test("JavaScript: the syntax error at file:line:column", async () => {
    const dir = tempProgram("jssyntax", { "index.js": 'const a = 1;\nconst b = = 2;\n' });
    const r = await cli(["plan", dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      [
        "error: the program does not compile:",
        `  ${path.join(dir, "index.js")}:2:11 - SyntaxError: Unexpected token '='`,
        "      2 | const b = = 2;",
        "        |           ^",
        "hint: fix the program; nothing was sent",
        "",
      ].join("\n"),
    );
  });

  test("MERAKI_BATCH_DEBUG=1 adds the compiler's own text", async () => {
    const dir = tempProgram("syntax", { "index.ts": SYNTAX_ERROR_TS });
    const r = await cli(["plan", dir], { env: debug() });
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe("error: the program does not compile (1 error):");
    // The type check finds it before the program runs (tests/cli/typecheck.test.ts): the compiler's text, no stack.
    expect(lines).toContain("debug: Type checked as Pulumi does (--no-type-check, or runtime.options.typescript: false in Pulumi.yaml, turns it off). The compiler's text:");
    expect(lines).toContain(`debug: ${path.join(dir, "index.ts")}(3,67): error TS1005: ',' expected.`);
    expect(lines.some((l) => /^debug:\s+at /.test(l))).toBe(false);
  });
});

describe("a program whose packages are not installed", () => {
  test("listed in its package.json: the hint is npm install, checked or not", async () => {
    const dir = tempProgram("uninstalled", {
      "index.ts": 'import * as meraki from "meraki-batch";\nnew meraki.DeviceTags("t", { serial: "AAAA-BBBB-CCCC", tags: ["x"] });\n',
      "package.json": JSON.stringify({ name: "site", dependencies: { "meraki-batch": "^0.1.0" } }),
    });
    const hint = `hint: the program's dependencies are not installed (package.json lists meraki-batch): cd ${dir} && npm install\n`;
    const checked = await cli(["plan", dir], { env });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`${path.join(dir, "index.ts")}:1:25 - error TS2307: Cannot find module 'meraki-batch' or its corresponding type declarations.`);
    expect(checked.stderr.endsWith(hint)).toBe(true);
    const unchecked = await cli(["plan", dir, "--no-type-check"], { env });
    expect(unchecked.stderr).toBe(`error: the program failed: Cannot find module 'meraki-batch'\n${hint}`);
  });

  test("not listed: Node's message and the program's own line, not Node's loader", async () => {
    const dir = tempProgram("unlisted", { "index.js": 'const pad = require("left-pad");\n' });
    const r = await cli(["plan", dir], { env });
    expect(r.stderr).toBe(`error: the program failed: Cannot find module 'left-pad'\nhint: thrown at ${path.join(dir, "index.js")}:1:13 (MERAKI_BATCH_DEBUG=1 shows the stack)\n`);
  });
});

describe("a program that throws", () => {
  test("its message, and where in the program (TypeScript lines, through the source map)", async () => {
    const dir = tempProgram("throws", { "index.ts": THROWS_TS });
    const r = await cli(["plan", dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: the program failed: site branch has no switches\nhint: thrown at ${path.join(dir, "index.ts")}:11:33 (MERAKI_BATCH_DEBUG=1 shows the stack)\n`);
  });

  test("thrown inside meraki-batch: the program's line that called it", async () => {
    const dir = tempProgram("badrange", { "index.ts": `${IMPORT_MERAKI}\n\nmeraki.switchPorts("desks", { serial: "AAAA-BBBB-CCCC", ports: "banana" }, () => ({ vlan: 10 }));\n` });
    const r = await cli(["plan", dir], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `error: the program failed: invalid port range 'banana': expected ids and ranges such as "1-24,48"\nhint: thrown at ${path.join(dir, "index.ts")}:3:8 (MERAKI_BATCH_DEBUG=1 shows the stack)\n`,
    );
  });

  test("a JavaScript program, relative to the working directory", async () => {
    const r = await cli(["plan", path.join(PROGRAMS, "broken")], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: the program failed: the program's own bug\nhint: thrown at tests/fixtures/programs/broken/index.js:3:7 (MERAKI_BATCH_DEBUG=1 shows the stack)\n");
    noTrace(r.stderr);
  });

  test("MERAKI_BATCH_DEBUG=1 adds the whole stack, mapped to the TypeScript source", async () => {
    const dir = tempProgram("throws", { "index.ts": THROWS_TS });
    const r = await cli(["plan", dir], { env: debug() });
    // (after the type check's own debug line)
    const lines = r.stderr.split("\n").filter((l) => !l.startsWith("debug: type check"));
    expect(lines.slice(0, 2)).toEqual(["error: the program failed: site branch has no switches", `hint: thrown at ${path.join(dir, "index.ts")}:11:33 (MERAKI_BATCH_DEBUG=1 shows the stack)`]);
    expect(lines[2]).toBe("debug: Error: site branch has no switches");
    expect(lines[3]).toBe(`debug:     at firstSwitch (${path.join(dir, "index.ts")}:11:33)`);
    expect(lines[4]).toBe(`debug:     at Object.<anonymous> (${path.join(dir, "index.ts")}:15:41)`);
  });
});

describe("--stack", () => {
  test("a stack without its Pulumi.<stack>.yaml is an error naming the stacks there are", async () => {
    const multi = path.join(PROGRAMS, "multi");
    const r = await cli(["plan", multi, "--stack", "prod"], { env });
    expect(r).toMatchObject({ code: 1, stderr: `error: no stack 'prod' in ${multi}: there is no Pulumi.prod.yaml (its stacks: one, two)\nhint: pick one with --stack NAME, or create Pulumi.prod.yaml\n` });
    const apply = await cli(["apply", "tests/fixtures/programs/small", "--stack", "prod", "--yes"], { env });
    expect(apply).toMatchObject({ code: 1, stderr: "error: no stack 'prod' in tests/fixtures/programs/small: there is no Pulumi.prod.yaml (its stacks: dev)\nhint: pick one with --stack NAME, or create Pulumi.prod.yaml\n" });
    const none = path.join(PROGRAMS, "broken");
    expect((await cli(["plan", none, "--stack", "dev"], { env })).stderr).toBe(`error: no stack 'dev' in ${none}: there is no Pulumi.dev.yaml (it has no stack files)\nhint: create Pulumi.dev.yaml, or leave out --stack\n`);
    // An existing stack is used.
    expect((await cli(["plan", multi, "--stack", "two"], { env })).code).toBe(0);
  });
});

describe("an organization the key cannot see", () => {
  const visible = "it sees 2: 1234567 (Documentation Example Org), 1234567890 (Documentation curl Org)";
  const hint = "hint: use one of those with --org ID (or meraki-batch:organizationId, MERAKI_ORGANIZATION_ID), or an API key that sees it\n";

  test("from --org, the environment or the stack file: says so and lists the visible ones, with one request for the list", async () => {
    await t.control.clearRequests();
    const flag = await cli(["plan", path.join(PROGRAMS, "small"), "--org", "999"], { env });
    expect(flag).toMatchObject({ code: 1, stderr: `error: organization 999 is not visible to this API key; ${visible}\n${hint}` });
    const reads = (await t.control.requests()).map((q: { method: string; path: string }) => `${q.method} ${q.path}`);
    expect(reads.filter((q: string) => q === "GET /api/v1/organizations")).toHaveLength(1);

    const fromEnv = await cli(["batches", "list"], { env: { ...env, MERAKI_ORGANIZATION_ID: "999" } });
    expect(fromEnv.stderr).toBe(`error: organization 999 is not visible to this API key; ${visible}\n${hint}`);
    const fromStack = await cli(["plan", smallWithStack({ "meraki-batch:organizationId": "999" })], { env: { ...env, MERAKI_ORGANIZATION_ID: undefined } });
    expect(fromStack.stderr).toBe(`error: organization 999 is not visible to this API key; ${visible}\n${hint}`);
  });

  test("a key that sees one organization names it", async () => {
    t.emu.state.world.apiKeys.push({ key: "one-org-key-for-program-errors", organizationIds: ["1234567890"] });
    const r = await cli(["batches", "list", "--org", "1234567"], { env: { ...env, MERAKI_DASHBOARD_API_KEY: "one-org-key-for-program-errors" } });
    expect(r.stderr).toBe(`error: organization 1234567 is not visible to this API key; it sees one: 1234567890 (Documentation curl Org)\n${hint}`);
  });

  test("MERAKI_BATCH_DEBUG=1 adds each request (method, path, status, time) and the API's answer; never the key", async () => {
    const r = await cli(["batches", "list", "--org", "999"], { env: debug() });
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe(`debug: base URL ${t.emu.url} (from MERAKI_DASHBOARD_API_BASE_URL); connect timeout 10 s (from the built-in default), response timeout 60 s (from the built-in default)`);
    expect(lines[1]).toBe("debug: organization 999 (from --org)");
    expect(lines[2]).toMatch(/^debug: GET \/organizations\/999\/actionBatches → 404 \(\d+ ms, request id \w+\)$/);
    expect(lines[3]).toMatch(/^debug: GET \/organizations → 200 \(\d+ ms, request id \w+\)$/);
    expect(lines[4]).toBe(`error: organization 999 is not visible to this API key; ${visible}`);
    expect(lines[6]).toMatch(/^debug: details: \{"method":"GET","path":"\/organizations\/999\/actionBatches","errors":\["Not found"\],"status":404,"requestId":"\w+","url":"http:\/\/127\.0\.0\.1:\d+\/api\/v1\/organizations\/999\/actionBatches"\}$/);
    expect(lines[7]).toBe(`debug: DashboardApiError: organization 999 is not visible to this API key; ${visible}`);
    expect(r.stderr).not.toContain(DEMO_API_KEY);
  });
});

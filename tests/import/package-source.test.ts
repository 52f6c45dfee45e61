/**
 * Where the imported project's package.json takes meraki-batch from, and what `import` tells the
 * user to run: the registry (a range), a tarball (`--package`, or the one this meraki-batch was
 * installed from, read from npm's lock file), or from a source checkout the `npm pack` that makes
 * one. The whole install outside the repository is tests/package/install.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { installedSource, optionSource } from "../../cli/package-source";
import { DEMO_API_KEY } from "../../emulator/seeds";
import { TestEmulator, testEmulator } from "../helpers/api";
import { ROOT } from "../helpers/cli";
import { removeWorkDirs, run, workDir } from "./support";

let t: TestEmulator;
let tmp: string;
beforeAll(async () => {
  t = await testEmulator({ frozenClock: false, rateLimit: 0, batchLatencyMs: 0 });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mb-pkgsrc-"));
});
afterAll(async () => {
  await t?.close();
  removeWorkDirs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version as string;
const importTo = (dir: string, ...args: string[]) => run(["import", dir, "--base-url", t.emu.url, "--org", "1234567", "--kinds", "vlans", ...args], DEMO_API_KEY);
const dependency = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies["meraki-batch"];
const shown = (dir: string) => path.relative(ROOT, dir);

test("from a source checkout: the registry range, and the npm pack that makes a tarball until it is published", async () => {
  const dir = workDir("checkout");
  const r = await importTo(dir);
  expect(r.code).toBe(0);
  expect(dependency(dir)).toBe(`^${VERSION}`);
  expect(r.stdout).toContain(
    [
      `note: package.json asks the npm registry for meraki-batch@^${VERSION}; this meraki-batch runs from a source checkout (${ROOT}), so until ${VERSION} is published, install a tarball of it:`,
      `Next: (cd ${ROOT} && npm pack --pack-destination ${dir}) && cd ${shown(dir)} && npm install ./meraki-batch-${VERSION}.tgz && npx meraki-batch plan . --detailed-exitcode   (no changes)`,
    ].join("\n"),
  );
  expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).not.toContain("tarball");
});

test("--package TARBALL: a file: path from the project, and the note to keep it with the program", async () => {
  const tarball = path.join(tmp, `meraki-batch-${VERSION}.tgz`);
  fs.writeFileSync(tarball, "");
  const dir = workDir("tarball");
  const r = await importTo(dir, "--package", tarball);
  expect(r.code).toBe(0);
  const rel = path.relative(dir, tarball);
  expect(dependency(dir)).toBe(`file:${rel}`);
  expect(r.stdout).toContain(
    [
      `note: package.json takes meraki-batch from ${rel} (--package); until meraki-batch is on the npm registry, keep the tarball with the program: copy it into ${shown(dir)} and run 'npm install ./meraki-batch-${VERSION}.tgz' there.`,
      `Next: cd ${shown(dir)} && npm install && npx meraki-batch plan . --detailed-exitcode   (no changes)`,
    ].join("\n"),
  );
  expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toContain(`\`package.json\` takes meraki-batch from \`file:${rel}\`, a tarball made by \`npm pack\``);
});

test("--package RANGE: the registry, nothing to add", async () => {
  const dir = workDir("range");
  const r = await importTo(dir, "--package", "^0.2.0");
  expect(r.code).toBe(0);
  expect(dependency(dir)).toBe("^0.2.0");
  expect(r.stdout).not.toContain("note:");
  expect(r.stdout).toContain(`Next: cd ${shown(dir)} && npm install && npx meraki-batch plan . --detailed-exitcode   (no changes)\n`);
});

test("--package refuses a directory (npm would link a second @pulumi/pulumi), a missing file and nonsense, before reading anything", async () => {
  await t.control.clearRequests();
  const dir = workDir("refused");
  const asDir = await importTo(dir, "--package", ROOT);
  expect(asDir.code).toBe(2);
  expect(asDir.stderr).toBe(
    `error: --package ${ROOT} is a directory: npm would link it, with its own node_modules (a second @pulumi/pulumi, which the program's resources would not use)\nhint: pack it first: (cd ${ROOT} && npm pack), then --package ${path.join(ROOT, "meraki-batch-<version>.tgz")}\n`,
  );
  expect((await importTo(dir, "--package", "./nowhere/meraki-batch-9.9.9.tgz")).stderr).toMatch(/^error: --package \.\/nowhere\/meraki-batch-9\.9\.9\.tgz: there is no such file\n/);
  expect((await importTo(dir, "--package", "rm -rf")).stderr).toMatch(/^error: --package rm -rf is neither a version range/);
  expect(await t.control.requests()).toEqual([]);
  expect(fs.existsSync(dir)).toBe(false);
});

describe("how this meraki-batch was installed, from npm's lock file", () => {
  const layout = (resolved: string | undefined, hidden = true) => {
    const project = fs.mkdtempSync(path.join(tmp, "project-"));
    const root = path.join(project, "node_modules", "meraki-batch");
    fs.mkdirSync(root, { recursive: true });
    const lock = { lockfileVersion: 3, packages: { "node_modules/meraki-batch": { version: "0.1.0", ...(resolved ? { resolved } : {}) } } };
    fs.writeFileSync(hidden ? path.join(project, "node_modules", ".package-lock.json") : path.join(project, "package-lock.json"), JSON.stringify(lock));
    return { project, root };
  };

  test("a tarball, as npm install or npx --package recorded it (relative to the installing project)", () => {
    const { project, root } = layout("file:../meraki-batch-0.1.0.tgz");
    const tarball = path.join(path.dirname(project), "meraki-batch-0.1.0.tgz");
    fs.writeFileSync(tarball, "");
    expect(installedSource(root, "0.1.0")).toEqual({ kind: "tarball", tarball, origin: "installed" });
    fs.rmSync(tarball);
    // Gone since: the registry, said as not known.
    expect(installedSource(root, "0.1.0")).toEqual({ kind: "registry", range: "^0.1.0", origin: "unknown" });
  });

  test("the registry; a lock only at the top; no lock at all; a checkout", () => {
    expect(installedSource(layout("https://registry.npmjs.org/meraki-batch/-/meraki-batch-0.1.0.tgz").root, "0.1.0")).toEqual({ kind: "registry", range: "^0.1.0", origin: "installed" });
    expect(installedSource(layout("https://registry.npmjs.org/meraki-batch/-/meraki-batch-0.1.0.tgz", false).root, "0.1.0")).toEqual({ kind: "registry", range: "^0.1.0", origin: "installed" });
    const bare = path.join(fs.mkdtempSync(path.join(tmp, "bare-")), "node_modules", "meraki-batch");
    expect(installedSource(bare, "0.1.0")).toEqual({ kind: "registry", range: "^0.1.0", origin: "unknown" });
    expect(installedSource(ROOT, "0.1.0")).toEqual({ kind: "registry", range: "^0.1.0", origin: "checkout" });
  });

  test("--package parses ranges and tarball paths", () => {
    expect(optionSource("0.1.0")).toEqual({ kind: "registry", range: "0.1.0", origin: "option" });
    expect(optionSource("latest")).toEqual({ kind: "registry", range: "latest", origin: "option" });
    const tarball = path.join(tmp, "x.tgz");
    fs.writeFileSync(tarball, "");
    expect(optionSource(`file:${tarball}`)).toEqual({ kind: "tarball", tarball, origin: "option" });
    expect(optionSource("x.tgz", tmp)).toEqual({ kind: "tarball", tarball, origin: "option" });
  });
});

/**
 * `npm run pulumi:install`: the real Pulumi CLI for our tests and bench, built here.
 *
 * get.pulumi.com and GitHub downloads are not reachable on our machines, but the Go module proxy
 * is, and the CLI is the package `github.com/pulumi/pulumi/pkg/v3/cmd/pulumi`. So it is built from
 * the module at exactly the version of our `@pulumi/pulumi` into a cache keyed by that version
 * (toolchain.ts), and never rebuilt when present. Beside it go the dynamic-provider plugin and a
 * small Node language host (language-host.ts, test tooling), so that `pulumi up` runs from a
 * project directory as a user runs it. Users install the real CLI: https://www.pulumi.com/docs/install/
 *
 * Prints what it builds and how long it took; a second run only checks and refreshes the two
 * small plugin files. Exit 1 with the failing step when Go or the module proxy is missing.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PLUGIN_NAMES, pulumiVersion, repoRoot, toolchainDir } from "./toolchain";

const MODULE = "github.com/pulumi/pulumi/pkg/v3";
const MAIN = `${MODULE}/cmd/pulumi`;

function log(line: string): void {
  process.stdout.write(`pulumi:install: ${line}\n`);
}

function fail(step: string, detail: string): never {
  process.stderr.write(`pulumi:install: ${step} failed: ${detail.trim().split("\n").slice(-20).join("\n")}\n`);
  process.exit(1);
}

/** `go` with the settings the build needs: the machine's own toolchain, no cgo. */
function go(args: string[], cwd: string): void {
  const r = spawnSync("go", args, { cwd, encoding: "utf8", env: { ...process.env, GOTOOLCHAIN: "local", CGO_ENABLED: "0", GOFLAGS: "-mod=mod" }, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) fail(`go ${args[0]}`, `${r.error.message} (is Go installed and on PATH?)`);
  if (r.status !== 0) fail(`go ${args.join(" ")}`, `${r.stderr}${r.stdout}`);
}

function cliVersion(bin: string): string | undefined {
  try {
    return execFileSync(bin, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } }).trim();
  } catch {
    return undefined;
  }
}

function buildCli(version: string, dir: string, bin: string): void {
  const work = path.join(dir, "build");
  fs.mkdirSync(work, { recursive: true });
  // A wrapper module: `tool` keeps the CLI's requirements through `go mod tidy`.
  fs.writeFileSync(
    path.join(work, "go.mod"),
    [`module example.invalid/pulumi-cli`, ``, `go 1.26`, ``, `tool ${MAIN}`, ``, `require (`, `\t${MODULE} v${version}`, `\tgithub.com/pulumi/pulumi/sdk/v3 v${version}`, `)`, ``].join("\n"),
  );
  const t0 = Date.now();
  log(`building pulumi v${version} from the Go module proxy (${MAIN}); this takes minutes and several hundred MB of module cache the first time`);
  go(["mod", "tidy"], work);
  log(`resolved the module graph in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const t1 = Date.now();
  const tmp = `${bin}.tmp-${process.pid}`;
  // The version must be stamped: without it `pulumi version` prints nothing and the Automation API refuses the CLI.
  go(["build", "-trimpath", "-tags", "osusergo,grpcnotrace", "-ldflags", `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`, "-o", tmp, MAIN], work);
  const built = cliVersion(tmp);
  if (built !== `v${version}`) fail("checking the built CLI", `\`pulumi version\` printed ${JSON.stringify(built)}, expected v${version}`);
  fs.renameSync(tmp, bin);
  log(`built pulumi v${version} in ${((Date.now() - t1) / 1000).toFixed(0)} s (${(Date.now() - t0) / 1000 | 0} s in all): ${bin}`);
}

/** Writes a small file only when its content differs; returns whether it did. */
function put(file: string, content: string): boolean {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return false;
  fs.writeFileSync(file, content, { mode: 0o755 });
  fs.chmodSync(file, 0o755);
  return true;
}

function installPlugins(binDir: string): void {
  const root = repoRoot();
  // The dynamic-provider plugin: the script @pulumi/pulumi ships; it resolves the provider from the program's directory.
  const pulumiPkg = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [root] }));
  const provider = fs.readFileSync(path.join(pulumiPkg, "pulumi-resource-pulumi-nodejs"), "utf8");
  const hostJs = fs.readFileSync(path.join(__dirname, "language-host.js"), "utf8");
  const changed = [
    put(path.join(binDir, PLUGIN_NAMES[0]), provider) && PLUGIN_NAMES[0],
    put(path.join(binDir, "language-host.js"), hostJs) && "language-host.js",
    put(path.join(binDir, PLUGIN_NAMES[1]), `#!/bin/sh\n# The test language host (meraki-batch tools/pulumi/language-host.ts), not Pulumi's own.\nexec node "$(dirname "$0")/language-host.js" "$@"\n`) && PLUGIN_NAMES[1],
  ].filter(Boolean);
  if (changed.length) log(`wrote ${changed.join(", ")} in ${binDir}`);
}

function main(): void {
  const t0 = Date.now();
  const version = pulumiVersion();
  const dir = toolchainDir(version);
  const binDir = path.join(dir, "bin");
  const bin = path.join(binDir, "pulumi");
  fs.mkdirSync(binDir, { recursive: true });
  const present = fs.existsSync(bin) ? cliVersion(bin) : undefined;
  if (present === `v${version}`) log(`pulumi v${version} is present: ${bin}`);
  else buildCli(version, dir, bin);
  installPlugins(binDir);
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; the tests find it there (PATH is not changed)`);
}

main();

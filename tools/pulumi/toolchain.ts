/**
 * Where the real Pulumi toolchain built by `npm run pulumi:install` lives, and the settings that
 * keep a run of it offline. Shared by the install command, the tests and the bench.
 *
 * Layout: `<cache>/pulumi/v<version>/bin/` holds `pulumi` (built from the Go module proxy at the
 * version of our `@pulumi/pulumi`), `pulumi-resource-pulumi-nodejs` (the dynamic-provider plugin,
 * the script @pulumi/pulumi ships) and `pulumi-language-nodejs` (our small Node language host,
 * language-host.ts). The engine finds plugins in the directory of the `pulumi` binary.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The version of `@pulumi/pulumi` this package depends on: the CLI is built at exactly this version. */
export function pulumiVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot(), "package.json"), "utf8"));
  const v = pkg.dependencies?.["@pulumi/pulumi"];
  if (!/^\d+\.\d+\.\d+$/.test(v ?? "")) throw new Error(`package.json's @pulumi/pulumi must be an exact version to build the CLI at (found ${v})`);
  return v;
}

/** The repository root (this file is tools/pulumi/toolchain.ts, or dist/tools/pulumi/toolchain.js). */
export function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file) && JSON.parse(fs.readFileSync(file, "utf8")).name === "meraki-batch") return dir;
  }
  throw new Error(`no meraki-batch package.json above ${__dirname}`);
}

/**
 * The toolchain cache: MERAKI_BATCH_TOOLCHAIN_DIR, else $XDG_CACHE_HOME/meraki-batch, else
 * ~/.cache/meraki-batch. (Not MERAKI_BATCH_CACHE_DIR, which tests point at a temporary directory.)
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MERAKI_BATCH_TOOLCHAIN_DIR) return path.resolve(env.MERAKI_BATCH_TOOLCHAIN_DIR);
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "meraki-batch");
}

export interface Toolchain {
  version: string;
  /** The directory holding `pulumi` and the two plugins: put it first on PATH. */
  binDir: string;
  pulumi: string;
}

export function toolchainDir(version = pulumiVersion(), env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), "pulumi", `v${version}`);
}

export const PLUGIN_NAMES = ["pulumi-resource-pulumi-nodejs", "pulumi-language-nodejs"] as const;

/** The installed toolchain, or why there is none. */
export function findToolchain(env: NodeJS.ProcessEnv = process.env): Toolchain | { missing: string } {
  const version = pulumiVersion();
  const binDir = path.join(toolchainDir(version, env), "bin");
  const pulumi = path.join(binDir, "pulumi");
  for (const f of ["pulumi", ...PLUGIN_NAMES]) {
    if (!fs.existsSync(path.join(binDir, f))) return { missing: `no ${f} in ${binDir}: run \`npm run pulumi:install\` (needs Go and the Go module proxy)` };
  }
  return { version, binDir, pulumi };
}

/**
 * The environment for running the real CLI offline and apart from the user's own Pulumi setup: a
 * file backend and a private PULUMI_HOME in `home`, a passphrase for the stack's secrets, no update
 * check, no plugin downloads, our toolchain first on PATH. Set by tests and the bench, never needed
 * in a user's environment.
 */
export function offlineEnv(tc: Toolchain, home: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // Nothing of the caller's Pulumi or Meraki setup leaks into the run.
  for (const k of Object.keys(env)) if (k.startsWith("PULUMI_") || k.startsWith("MERAKI_")) delete env[k];
  return {
    ...env,
    PATH: `${tc.binDir}${path.delimiter}${base.PATH ?? ""}`,
    PULUMI_HOME: path.join(home, ".pulumi"),
    PULUMI_BACKEND_URL: `file://${path.join(home, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "meraki-batch-tests",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "false",
    NO_COLOR: "1",
  };
}

/**
 * The official Meraki Python SDK (PyPI `meraki`, pinned), installed once into a virtual
 * environment in the user's cache, as the Pulumi CLI is built once (README, Development). The
 * first run needs PyPI and Python 3.11 or newer; later runs reuse the environment.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** The SDK version the tests run: its batch builders are the ones the emulator must take unmodified. */
export const PYSDK_VERSION = "4.7.0";

const cacheDir = () => path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "meraki-batch", `pysdk-${PYSDK_VERSION}`);

/** The venv's python, installing `meraki==PYSDK_VERSION` first when needed. Throws with the reason when it cannot. */
export function pythonWithMeraki(): string {
  const dir = cacheDir();
  const python = path.join(dir, "bin", "python");
  const ready = path.join(dir, ".installed");
  if (fs.existsSync(ready)) return python;
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  // One installer at a time (another test process may be installing): wait for its lock to go.
  for (let waited = 0; ; waited += 1) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(ready)) return python;
      if (waited > 600) throw new Error(`another process has held ${lock} for 10 minutes; remove it if no install is running`);
      execFileSync(process.execPath, ["-e", "setTimeout(() => {}, 1000)"]);
    }
  }
  try {
    if (fs.existsSync(ready)) return python;
    fs.rmSync(dir, { recursive: true, force: true });
    const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    try {
      run("python3", ["-c", "import sys; assert sys.version_info >= (3, 11), sys.version"]);
    } catch (err) {
      throw new Error(`the Meraki Python SDK ${PYSDK_VERSION} needs python3 3.11 or newer: ${(err as Error).message.split("\n")[0]}`);
    }
    run("python3", ["-m", "venv", dir]);
    run(path.join(dir, "bin", "pip"), ["install", "--disable-pip-version-check", "--quiet", `meraki==${PYSDK_VERSION}`]);
    fs.writeFileSync(ready, `meraki==${PYSDK_VERSION}\n`);
    return python;
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`could not install the Meraki Python SDK ${PYSDK_VERSION} into ${dir}: ${stderr || (err as Error).message}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

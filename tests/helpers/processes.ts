/** Processes a test drives as a user would: the CLI (to interrupt it) and a separate emulator (to kill it). */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { MAIN, ROOT } from "./cli";

export interface Proc {
  child: ChildProcess;
  out(): string;
  err(): string;
  /** Resolves when stdout (or stderr) has matched; rejects on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
}

export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Proc {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...opts.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
  child.stdin!.end();
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((l) => l());
  child.stdout!.on("data", (d) => ((stdout += d), notify()));
  child.stderr!.on("data", (d) => ((stderr += d), notify()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => (notify(), resolve(code ?? (signal ? 128 : null)))));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    out: () => stdout,
    err: () => stderr,
    exited,
    waitFor(re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(stdout) ?? re.exec(stderr);
          if (m) return finish(() => resolve(m));
          if (done) return finish(() => reject(new Error(`process exited before ${re} appeared:\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(() => finish(() => reject(new Error(`${re} did not appear within ${ms} ms:\n${stdout}\n${stderr}`))), ms);
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** `meraki-batch emulator` in its own process, on a free port (or the given one), optionally on a state file. */
export async function emulatorProcess(args: string[]): Promise<{ proc: Proc; url: string; origin: string; stop(): Promise<void> }> {
  const proc = spawnCli(["emulator", "--port", "0", ...args]);
  const m = await proc.waitFor(/listening on (http:\/\/[^\s]+)\/api\/v1\n/);
  return {
    proc,
    url: `${m[1]}/api/v1`,
    origin: m[1],
    stop: async () => {
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
      await proc.exited;
    },
  };
}

export const DIST_MAIN = path.relative(ROOT, MAIN);

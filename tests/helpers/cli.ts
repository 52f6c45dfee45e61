/** Runs the built `meraki-batch` command as a user would, and captures what it prints. */
import { spawn } from "child_process";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const MAIN = path.join(ROOT, "dist", "cli", "main.js");
export const PROGRAMS = path.join(ROOT, "tests", "fixtures", "programs");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...opts.env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
    const child = spawn(process.execPath, [MAIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.stdin.end(opts.input ?? "");
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

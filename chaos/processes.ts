/**
 * The processes a chaos iteration drives as a user would: `meraki-batch` runs (killed, interrupted,
 * or left alone) and the emulator in its own process (killed and restarted on its --state file).
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** The package root (where package.json says meraki-batch), from dist/chaos or from chaos/ under ts-jest. */
export const ROOT = ((): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, "utf8")).name === "meraki-batch") return dir;
    if (path.dirname(dir) === dir) throw new Error(`no meraki-batch package.json above ${__dirname}`);
  }
})();
export const CLI_MAIN = path.join(ROOT, "dist", "cli", "main.js");

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** Every process started here and still running: ended when the campaign is interrupted. */
export const running = new Set<Proc>();

export class Proc {
  readonly child: ChildProcess;
  readonly startedAt = Date.now();
  stdout = "";
  stderr = "";
  readonly exited: Promise<Exit>;
  exit?: Exit;
  private listeners = new Set<() => void>();

  constructor(args: string[], env: NodeJS.ProcessEnv, cwd = ROOT) {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
    this.child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd, env: clean, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdin!.end();
    this.child.stdout!.on("data", (d) => ((this.stdout += d), this.notify()));
    this.child.stderr!.on("data", (d) => ((this.stderr += d), this.notify()));
    running.add(this);
    this.exited = new Promise((resolve) =>
      this.child.once("close", (code, signal) => {
        running.delete(this);
        this.exit = { code, signal, at: Date.now() };
        this.notify();
        resolve(this.exit);
      }),
    );
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends a signal if the process still runs; says whether it did. */
  signal(sig: NodeJS.Signals): boolean {
    if (!this.alive) return false;
    return this.child.kill(sig);
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Resolves with the match once stdout or stderr matches; rejects on exit or after ms. */
  waitFor(re: RegExp, ms: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(() => reject(new Error(`${re} did not appear within ${ms} ms: ${this.stderr.slice(-500)}`))), ms);
      const check = () => {
        const m = re.exec(this.stdout) ?? re.exec(this.stderr);
        if (m) return done(() => resolve(m));
        if (this.exit) return done(() => reject(new Error(`exited (${this.exit!.code ?? this.exit!.signal}) before ${re} appeared: ${this.stderr.slice(-500)}`)));
      };
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        f();
      };
      this.listeners.add(check);
      check();
    });
  }
}

export interface EmulatorSettings {
  seed: string;
  stateFile: string;
  batchLatencyMs: number;
  rateLimit: number;
}

/** `meraki-batch emulator` on a state file: killed with SIGKILL, restarted on the same port and file. */
export class EmulatorProcess {
  private proc?: Proc;
  port = 0;
  starts = 0;

  constructor(private readonly settings: EmulatorSettings) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `${this.origin}/api/v1`;
  }

  get up(): boolean {
    return this.proc?.alive === true;
  }

  async start(): Promise<void> {
    const s = this.settings;
    for (let attempt = 0; ; attempt++) {
      const args = ["emulator", "--port", String(this.port), "--seed", s.seed, "--state", s.stateFile, "--batch-latency-ms", String(s.batchLatencyMs), "--rate-limit", String(s.rateLimit)];
      const proc = new Proc(args, { ...process.env, NO_COLOR: "1" });
      try {
        const m = await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)\/api\/v1\n/, 30_000);
        this.port = Number(m[1]);
        this.proc = proc;
        this.starts++;
        return;
      } catch (err) {
        proc.signal("SIGKILL");
        await proc.exited;
        // The port of a killed emulator can take a moment to be free again.
        if (attempt < 20 && /already in use/.test(proc.stderr)) {
          await new Promise((r) => setTimeout(r, 250));
          continue;
        }
        throw err;
      }
    }
  }

  async kill(): Promise<void> {
    const p = this.proc;
    if (!p) return;
    p.signal("SIGKILL");
    await p.exited;
  }

  async stop(): Promise<void> {
    await this.kill();
    this.proc = undefined;
  }
}

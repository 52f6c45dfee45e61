/**
 * The programs of the program-cost bench through the real `pulumi preview` (the CLI built by
 * `npm run pulumi:install`), run as a user runs it in a project directory, on a new stack, against
 * the emulator's campus seed with the Dashboard's rate limit. Measured: wall time of the `pulumi`
 * process, and CPU time and peak RSS of its whole process tree (the CLI, the language host, the
 * program, the provider plugins), sampled from /proc every SAMPLE_MS: a process that ends between
 * two samples loses its last fraction of a sample, so CPU is a slight underestimate.
 */
import { ChildProcess } from "child_process";
import * as fs from "fs";
import { CAMPUS_API_KEY, startEmulator } from "../emulator";
import { descendants, PulumiProject, plannedOf, procStats } from "../tools/pulumi/project";
import { Toolchain } from "../tools/pulumi/toolchain";
import { CAMPUS_ORG, ProgramForm, switchesFor, writeProgram } from "./programs";

export interface PreviewCost {
  form: ProgramForm;
  ports: number;
  /** Resources the engine planned (resourcePreEvent of our types). */
  resources: number;
  wallMs: number;
  /** Of the process tree, sampled (undefined without /proc). */
  cpuMs?: number;
  peakRssMb?: number;
  exitCode: number | null;
  error?: string;
}

const SAMPLE_MS = 200;

/** Samples a process tree's CPU time and resident memory from /proc (Linux). */
class TreeSampler {
  private cpuTicks = new Map<number, number>();
  private peakRssBytes = 0;
  private timer?: NodeJS.Timeout;
  private readonly ticksPerSecond = 100; // USER_HZ on Linux
  private readonly pageBytes = 4096;

  constructor(private readonly root: number) {}

  static available(): boolean {
    return fs.existsSync("/proc/self/stat");
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  stop(): { cpuMs: number; peakRssMb: number } {
    clearInterval(this.timer);
    const ticks = [...this.cpuTicks.values()].reduce((a, b) => a + b, 0);
    return { cpuMs: Math.round((ticks / this.ticksPerSecond) * 1000), peakRssMb: Math.round(this.peakRssBytes / 2 ** 20) };
  }

  private sample(): void {
    const stats = procStats();
    const tree = [this.root, ...descendants(this.root, stats)];
    let rss = 0;
    for (const pid of tree) {
      const s = stats.get(pid);
      if (!s) continue;
      rss += s.rssPages * this.pageBytes;
      this.cpuTicks.set(pid, s.ticks);
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, rss);
  }
}

/** `pulumi preview` of the program in `form` with at least `ports` ports, on a new stack. */
export async function realPreview(tc: Toolchain, form: ProgramForm, ports: number, timeoutMs: number): Promise<PreviewCost> {
  const switches = switchesFor(ports);
  const emu = await startEmulator({ port: 0, seed: "campus", switches, rateLimit: 10 });
  const template = writeProgram(form);
  const project = await PulumiProject.create(tc, {
    program: template,
    config: { "meraki-batch:baseUrl": emu.url, "meraki-batch:organizationId": CAMPUS_ORG, "bench:switches": String(switches) },
    env: { MERAKI_DASHBOARD_API_KEY: CAMPUS_API_KEY },
  });
  let sampler: TreeSampler | undefined;
  const watch = (_: string, child: ChildProcess) => {
    if (sampler || !TreeSampler.available() || !child.pid) return;
    sampler = new TreeSampler(child.pid);
    sampler.start();
  };
  try {
    const t0 = process.hrtime.bigint();
    const r = await project.run(["preview"], { timeoutMs, onOutput: watch });
    const wallMs = Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
    const usage = sampler?.stop();
    return {
      form,
      ports: switches * 48,
      resources: plannedOf(r.events).length,
      wallMs,
      ...usage,
      exitCode: r.code,
      error: r.code === 0 ? undefined : `${r.stdout.slice(-1500)}${r.stderr.slice(-500)}`,
    };
  } catch (err) {
    sampler?.stop();
    return { form, ports: switches * 48, resources: 0, wallMs: timeoutMs, exitCode: null, error: (err as Error).message.split("\n")[0] };
  } finally {
    await project.dispose();
    fs.rmSync(template, { recursive: true, force: true });
    await emu.close();
  }
}

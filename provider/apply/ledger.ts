/**
 * The draft ledger: which unconfirmed batches this tool made, on this machine, when and for which
 * run. The Dashboard's batch objects carry no creation time and no author, so this is how a later
 * run tells a draft left by a killed run (its process is gone: delete it) from one of a run still
 * in progress (leave it) or one staged for review (`plan --stage`: keep it), and how ages are told.
 * One small file per draft, so concurrent runs never rewrite each other's entries.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { randomBytes } from "crypto";

export interface DraftRecord {
  id: string;
  organizationId: string;
  /** The API it was made on (the emulator and the real Dashboard may share ids). */
  baseUrl: string;
  /** "run": made by an apply, deleted when the run ends; "review": made by `plan --stage`, kept. */
  purpose: "run" | "review";
  runId: string;
  pid: number;
  host: string;
  /** Milliseconds since the epoch, on the machine's clock. */
  createdAt: number;
  actions: number;
}

export interface DraftLedger {
  record(r: DraftRecord): void;
  forget(id: string, baseUrl: string): void;
  get(id: string, baseUrl: string): DraftRecord | undefined;
  list(organizationId: string, baseUrl: string): DraftRecord[];
}

/** Who is running now: every record this process makes carries it. */
export const THIS_RUN = { runId: randomBytes(6).toString("hex"), pid: process.pid, host: os.hostname() };

/** Whether the run that made a draft is still going: known only for drafts made on this machine. */
export function runAlive(r: Pick<DraftRecord, "pid" | "host" | "runId">): boolean | undefined {
  if (r.host !== THIS_RUN.host) return undefined;
  if (r.runId === THIS_RUN.runId) return true;
  try {
    process.kill(r.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export class MemoryLedger implements DraftLedger {
  private entries = new Map<string, DraftRecord>();
  private k = (id: string, baseUrl: string) => `${baseUrl}#${id}`;
  record(r: DraftRecord): void {
    this.entries.set(this.k(r.id, r.baseUrl), r);
  }
  forget(id: string, baseUrl: string): void {
    this.entries.delete(this.k(id, baseUrl));
  }
  get(id: string, baseUrl: string): DraftRecord | undefined {
    return this.entries.get(this.k(id, baseUrl));
  }
  list(organizationId: string, baseUrl: string): DraftRecord[] {
    return [...this.entries.values()].filter((r) => r.organizationId === organizationId && r.baseUrl === baseUrl);
  }
}

/**
 * The ledger on disk: MERAKI_BATCH_STATE_DIR, else $XDG_STATE_HOME/meraki-batch, else
 * ~/.local/state/meraki-batch; `drafts/<id>.json` per draft. Never holds a key or a body.
 * Problems writing it are not fatal (a read-only home must not stop an apply): they are ignored.
 */
export class FileLedger implements DraftLedger {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "drafts");
  }

  private file(id: string, baseUrl: string): string {
    const host = baseUrl.replace(/^https?:\/\//, "").replace(/[^A-Za-z0-9.-]+/g, "_");
    return path.join(this.dir, `${host}__${id.replace(/[^A-Za-z0-9_-]/g, "_")}.json`);
  }

  record(r: DraftRecord): void {
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const target = this.file(r.id, r.baseUrl);
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(r) + "\n");
      fs.renameSync(tmp, target);
    } catch {
      // best effort
    }
  }

  forget(id: string, baseUrl: string): void {
    try {
      fs.unlinkSync(this.file(id, baseUrl));
    } catch {
      // already gone
    }
  }

  get(id: string, baseUrl: string): DraftRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(id, baseUrl), "utf8")) as DraftRecord;
    } catch {
      return undefined;
    }
  }

  list(organizationId: string, baseUrl: string): DraftRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const out: DraftRecord[] = [];
    for (const n of names) {
      try {
        const r = JSON.parse(fs.readFileSync(path.join(this.dir, n), "utf8")) as DraftRecord;
        if (r.organizationId === organizationId && r.baseUrl === baseUrl) out.push(r);
      } catch {
        // a half-written or foreign file
      }
    }
    return out;
  }
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MERAKI_BATCH_STATE_DIR) return env.MERAKI_BATCH_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, "meraki-batch");
  return path.join(os.homedir(), ".local", "state", "meraki-batch");
}

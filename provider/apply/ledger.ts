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
import { createHash, randomBytes } from "crypto";
import { Action } from "../dashboard/batches";
import { stableJson } from "../plan/digest";
import { normaliseResource } from "./objects";

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
  /** The local user who ran it (who staged a review draft). */
  user?: string;
  /**
   * When the run confirmed it. A run's confirmed batches stay recorded (for a day once the run has
   * ended), so that a later run can tell a batch of this tool's own ended run from anyone else's.
   */
  confirmedAt?: number;
  /** A review draft (`plan --stage`): the digest of the plan it was staged with (kept in the state directory). */
  plan?: string;
  /**
   * On an intent (id `intent-…`), recorded right before the draft is created: the fingerprint of
   * its actions. A draft whose create answer never came back (the answer lost, or the run killed
   * before it could record the id) is still known as this run's by its actions.
   */
  fingerprint?: string;
}

export const INTENT_PREFIX = "intent-";

/** A new intent's id: unique also between runs of one process (the Pulumi provider applies several). */
export const intentId = (): string => `${INTENT_PREFIX}${randomBytes(8).toString("hex")}`;

/** The actions of a batch, as compared by sameActions (normalised paths, body key order ignored), hashed. */
export function fingerprint(actions: Action[]): string {
  const canonical = stableJson(actions.map((a) => ({ operation: a.operation, resource: normaliseResource(a.resource), body: a.body ?? {} })));
  return createHash("sha256").update(canonical).digest("hex");
}

type LedgerBatch = { id: string; organizationId?: string; actions?: Action[] };

/** What the ledger knows of a batch: its own record, else the intent of a run whose create of it got no answer. */
export function recordOf(ledger: DraftLedger, baseUrl: string, b: LedgerBatch, organizationId = b.organizationId ?? ""): DraftRecord | undefined {
  return recordLookup(ledger, baseUrl, organizationId)(b);
}

/**
 * recordOf for one pass over an organization's pending batches: the ledger's intents are listed
 * once, on the first batch that has no record of its own, not once per such batch. Make a new one
 * per pass; intents recorded after the first lookup are not seen.
 */
export function recordLookup(ledger: DraftLedger, baseUrl: string, organizationId: string): (b: LedgerBatch) => DraftRecord | undefined {
  let intents: Map<string, DraftRecord[]> | undefined;
  return (b) => {
    const own = ledger.get(b.id, baseUrl);
    if (own || !b.actions?.length) return own;
    intents ??= groupIntents(ledger.list(organizationId, baseUrl));
    const matching = intents.get(fingerprint(b.actions)) ?? [];
    // Two runs may intend the same actions: a live one's claim comes first (its draft must not be taken for an orphan).
    return matching.find((r) => runAlive(r) !== false) ?? matching[0];
  };
}

function groupIntents(records: DraftRecord[]): Map<string, DraftRecord[]> {
  const byFingerprint = new Map<string, DraftRecord[]>();
  for (const r of records) {
    if (!r.id.startsWith(INTENT_PREFIX) || !r.fingerprint) continue;
    byFingerprint.set(r.fingerprint, [...(byFingerprint.get(r.fingerprint) ?? []), r]);
  }
  return byFingerprint;
}

export interface DraftLedger {
  record(r: DraftRecord): void;
  forget(id: string, baseUrl: string): void;
  get(id: string, baseUrl: string): DraftRecord | undefined;
  list(organizationId: string, baseUrl: string): DraftRecord[];
  /**
   * The plan review drafts were staged with (`plan --stage`), by its digest: what `batches confirm`
   * checks a draft against. Kept while a review record names it. Plans hold no secret.
   */
  savePlan(digest: string, json: string): void;
  loadPlan(digest: string): string | undefined;
}

function userName(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

/** Who is running now: every record this process makes carries it. */
export const THIS_RUN = { runId: randomBytes(6).toString("hex"), pid: process.pid, host: os.hostname(), user: userName() };

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
  private plans = new Map<string, string>();
  savePlan(digest: string, json: string): void {
    this.plans.set(digest, json);
  }
  loadPlan(digest: string): string | undefined {
    return this.plans.get(digest);
  }
}

/**
 * The ledger on disk: MERAKI_BATCH_STATE_DIR, else $XDG_STATE_HOME/meraki-batch, else
 * ~/.local/state/meraki-batch; `drafts/<id>.json` per draft. Never holds a key or a body.
 * Problems writing it are not fatal (a read-only home must not stop an apply): they are ignored.
 */
export class FileLedger implements DraftLedger {
  readonly dir: string;
  readonly plansDir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "drafts");
    this.plansDir = path.join(stateDir, "plans");
  }

  private planFile(digest: string): string {
    return path.join(this.plansDir, `${digest.replace(/^sha256:/, "").replace(/[^0-9a-f]/gi, "")}.json`);
  }

  savePlan(digest: string, json: string): void {
    try {
      fs.mkdirSync(this.plansDir, { recursive: true });
      const target = this.planFile(digest);
      const tmp = `${target}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, json);
      fs.renameSync(tmp, target);
    } catch {
      // best effort: without it, 'batches confirm' asks for --plan FILE
    }
  }

  loadPlan(digest: string): string | undefined {
    try {
      return fs.readFileSync(this.planFile(digest), "utf8");
    } catch {
      return undefined;
    }
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
    const plan = this.get(id, baseUrl)?.plan;
    try {
      fs.unlinkSync(this.file(id, baseUrl));
    } catch {
      // already gone
    }
    // The staged plan goes with the last review draft that names it.
    if (plan && !this.all().some((r) => r.plan === plan)) {
      try {
        fs.unlinkSync(this.planFile(plan));
      } catch {
        // already gone
      }
    }
  }

  private all(): DraftRecord[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.dir).filter((n) => n.endsWith(".json"));
    } catch {
      return [];
    }
    const out: DraftRecord[] = [];
    for (const n of names) {
      try {
        out.push(JSON.parse(fs.readFileSync(path.join(this.dir, n), "utf8")) as DraftRecord);
      } catch {
        // a half-written or foreign file
      }
    }
    return out;
  }

  get(id: string, baseUrl: string): DraftRecord | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(id, baseUrl), "utf8")) as DraftRecord;
    } catch {
      return undefined;
    }
  }

  list(organizationId: string, baseUrl: string): DraftRecord[] {
    return this.all().filter((r) => r.organizationId === organizationId && r.baseUrl === baseUrl);
  }
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MERAKI_BATCH_STATE_DIR) return env.MERAKI_BATCH_STATE_DIR;
  if (env.XDG_STATE_HOME) return path.join(env.XDG_STATE_HOME, "meraki-batch");
  return path.join(os.homedir(), ".local", "state", "meraki-batch");
}

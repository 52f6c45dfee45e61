/**
 * What a change applied ahead of its step must leave behind in case the engine never asks for it
 * (the deployment failed or was cancelled first): the managed fields as they were before, so that
 * the resource's `original` (for onDelete: "restore") is still the truth when a later `pulumi up`
 * creates it. Pulumi's state cannot hold it (the engine did not ask for the resource), so it is a
 * small JSON file in the program's directory (the plugin's cwd):
 *
 *   .meraki-batch/lookahead-<API host>-<organization>.json
 *
 * An entry is written before the batch is sent (its outcome may never be learnt) and removed once
 * the resource's own Create/Update has succeeded (its original is then in Pulumi's state), or when
 * its batch failed. It holds Dashboard values only (before and after), never the API key.
 */
import { promises as fs, readFileSync } from "fs";
import * as path from "path";
import type { Kind } from "../resources/common";
import { canonicalJson } from "./lookahead";

type Props = Record<string, unknown>;

export interface AheadRecord {
  kind: Kind;
  /** e.g. "port 5 of switch AAAA-BBBB-CCCC" */
  description: string;
  /** The managed fields before the change was applied ahead. */
  before: Props;
  /** The values the change set (top-level fields): the record is trusted only while the live values still are these. */
  after: Props;
  /** "sent": written before the batch went out; "applied": its batch completed. */
  state: "sent" | "applied";
  batchId?: string;
  at: string;
}

interface FileShape {
  version: 1;
  baseUrl: string;
  organizationId: string;
  entries: Record<string, AheadRecord>;
}

export function aheadFile(dir: string, baseUrl: string, organizationId: string): string {
  let host = baseUrl;
  try {
    host = new URL(baseUrl).host;
  } catch {
    // not a URL: use it as given
  }
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");
  return path.resolve(dir, `lookahead-${safe(host)}-${safe(organizationId)}.json`);
}

export class AheadStore {
  private entries: Record<string, AheadRecord> = {};
  private writing: Promise<void> = Promise.resolve();
  private next?: Promise<void>;
  private dirty = false;

  constructor(
    readonly file: string,
    private readonly baseUrl: string,
    private readonly organizationId: string,
    private readonly warn: (message: string) => void = (m) => process.stderr.write(`meraki-batch: ${m}\n`),
  ) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") warn(`cannot read ${file}: ${(err as Error).message}`);
      return;
    }
    try {
      const parsed = JSON.parse(text) as FileShape;
      if (parsed.version !== 1 || typeof parsed.entries !== "object" || parsed.entries === null) throw new Error("unexpected content");
      this.entries = parsed.entries;
    } catch (err) {
      // Kept as it is (not overwritten until there is something to write): a person may want to read it.
      warn(`ignoring ${file}: ${(err as Error).message}; originals of resources applied ahead in an earlier run may be the applied values`);
    }
  }

  get(key: string): AheadRecord | undefined {
    return this.entries[key];
  }

  has(key: string): boolean {
    return key in this.entries;
  }

  put(key: string, record: AheadRecord): void {
    this.entries[key] = record;
    this.dirty = true;
  }

  /**
   * Records a change about to be applied ahead: `live` is the managed fields now, `after` the
   * values it sets. Fields an earlier record still vouches for (live is what it set) keep their
   * older `before`. Returns the record it replaces, to put back if the batch fails.
   */
  recordAhead(key: string, what: { kind: Kind; description: string; live: Props; after: Props }): AheadRecord | undefined {
    const prior = this.entries[key];
    const carried: Props = {};
    for (const [field, value] of Object.entries(prior?.after ?? {})) if (canonicalJson(what.live[field]) === canonicalJson(value)) carried[field] = value;
    this.put(key, {
      kind: what.kind,
      description: what.description,
      before: this.trueBefore(key, what.live) ?? {},
      after: { ...carried, ...what.after },
      state: "sent",
      at: new Date().toISOString(),
    });
    return prior;
  }

  /** Restores an entry to what it was (undefined: removes it). */
  set(key: string, record: AheadRecord | undefined): void {
    if (record) this.put(key, record);
    else this.remove(key);
  }

  remove(key: string): void {
    if (!(key in this.entries)) return;
    delete this.entries[key];
    this.dirty = true;
  }

  /**
   * Writes the entries (or removes the file when none is left) and resolves once they are on disk.
   * Writes are serialised, and callers that arrive while one is under way share the next one, so
   * many claims at once cost one write.
   */
  save(): Promise<void> {
    if (!this.dirty) return this.writing;
    if (!this.next) {
      const next: Promise<void> = this.writing
        .then(() => {
          this.next = undefined;
          this.dirty = false;
          const content = Object.keys(this.entries).length
            ? JSON.stringify({ version: 1, baseUrl: this.baseUrl, organizationId: this.organizationId, entries: this.entries } satisfies FileShape, null, 2) + "\n"
            : undefined;
          return this.write(content);
        })
        .catch((err) => this.warn(`cannot write ${this.file}: ${(err as Error).message}`));
      this.next = next;
      this.writing = next;
    }
    return this.next;
  }

  private async write(content: string | undefined): Promise<void> {
    if (content === undefined) {
      await fs.rm(this.file, { force: true });
      return;
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await fs.writeFile(tmp, content, { mode: 0o600 });
    await fs.rename(tmp, this.file);
  }

  /**
   * The managed fields as they truly were before anything was applied ahead: a field whose live
   * value is still what an earlier apply-ahead set takes that apply's `before`; every other field
   * is taken from `live` (someone changed it since, or it was never applied ahead).
   */
  trueBefore(key: string, live: Props | null): Props | null {
    const rec = this.entries[key];
    if (!rec || !live) return live;
    const out: Props = { ...live };
    for (const [field, value] of Object.entries(rec.after)) {
      if (field in out && field in rec.before && canonicalJson(out[field]) === canonicalJson(value)) out[field] = rec.before[field];
    }
    return out;
  }
}

/**
 * Watches the emulator's --state file (rewritten, by rename, after every committed change) to
 * time faults ("kill the CLI right after its first confirm") and to catch two confirmed batches
 * writing the same object at the same time (runs interleaving). It only reads the file.
 */
import * as fs from "fs";
import { actionObject } from "./objects";

interface StoredBatch {
  id: string;
  confirmed: boolean;
  status: { completed: boolean; failed: boolean };
  actions: Array<{ resource: string; operation: string; body?: Record<string, unknown> }>;
}

export interface Overlap {
  at: number;
  ids: [string, string];
  objects: string[];
}

export interface Seen {
  created: Set<string>;
  confirmed: Set<string>;
  finished: Set<string>;
}

export class StateWatcher {
  private timer?: NodeJS.Timeout;
  private version = "";
  private readonly objectsOf = new Map<string, string[]>();
  readonly seen: Seen = { created: new Set(), confirmed: new Set(), finished: new Set() };
  readonly overlaps: Overlap[] = [];
  /** Per batch, when a read first saw it finished (ms since the epoch): the order batches ran in, as far as reads can tell. */
  readonly finishedAt = new Map<string, number>();
  private readonly reported = new Set<string>();
  private listeners = new Set<() => void>();

  constructor(
    private readonly file: string,
    private readonly organizationId: string,
    private readonly everyMs = 20,
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.poll(), this.everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the file now if it changed. */
  poll(): void {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      return;
    }
    // Renamed over on every write: a new inode, or at least a new mtime.
    const version = `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
    if (version === this.version) return;
    this.version = version;
    let batches: Record<string, StoredBatch>;
    try {
      batches = JSON.parse(fs.readFileSync(this.file, "utf8")).organizations?.[this.organizationId]?.batches ?? {};
    } catch {
      this.version = ""; // replaced while read: read again next time
      return;
    }
    const running: StoredBatch[] = [];
    const now = Date.now();
    for (const b of Object.values(batches)) {
      this.seen.created.add(b.id);
      if (b.confirmed) this.seen.confirmed.add(b.id);
      if (b.status.completed || b.status.failed) {
        this.seen.finished.add(b.id);
        if (!this.finishedAt.has(b.id)) this.finishedAt.set(b.id, now);
      } else if (b.confirmed) running.push(b);
    }
    for (let i = 0; i < running.length; i++) {
      for (let j = i + 1; j < running.length; j++) {
        const shared = this.objects(running[i]).filter((o) => this.objects(running[j]).includes(o));
        const key = [running[i].id, running[j].id].sort().join("+");
        if (shared.length && !this.reported.has(key)) {
          this.reported.add(key);
          this.overlaps.push({ at: Date.now(), ids: [running[i].id, running[j].id], objects: shared });
        }
      }
    }
    for (const l of [...this.listeners]) l();
  }

  private objects(b: StoredBatch): string[] {
    let o = this.objectsOf.get(b.id);
    if (!o) this.objectsOf.set(b.id, (o = [...new Set(b.actions.map(actionObject))]));
    return o;
  }

  /** Resolves when `ready()` holds (checked after every change), or with false when `cancelled` resolves first. */
  when(ready: () => boolean, cancelled: Promise<unknown>): Promise<boolean> {
    return new Promise((resolve) => {
      const check = () => {
        if (ready()) {
          this.listeners.delete(check);
          resolve(true);
        }
      };
      this.listeners.add(check);
      void cancelled.then(() => {
        if (this.listeners.delete(check)) resolve(false);
      });
      check();
    });
  }
}

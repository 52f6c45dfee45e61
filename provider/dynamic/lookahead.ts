/**
 * Lookahead (ARCHITECTURE §13): the changes that Check and Diff announced, kept in memory so that
 * the next flush triggered by a real Create/Update can apply them with it, and what became of
 * them, so that their own Create/Update call is answered from the recorded outcome.
 *
 * Pure bookkeeping, no I/O: what is persisted for a stopped deployment lives in ahead-store.ts.
 */
import type { Change, Kind } from "../resources/common";

type Props = Record<string, unknown>;

/** Which announcements may be applied ahead of their step, per kind. A new kind adds a row. */
export const LOOKAHEAD: Record<Kind, { createFromCheck: boolean; updateFromDiff: boolean }> = {
  // A VLAN create can fail on its own ("already taken") and ports may depend on it: never ahead.
  vlan: { createFromCheck: false, updateFromDiff: true },
  // Ports and tags always exist: their "create" takes them over and configures them.
  switchPort: { createFromCheck: true, updateFromDiff: true },
  deviceTags: { createFromCheck: true, updateFromDiff: true },
  // Turning VLANs on or off has side effects (the MX's LAN ports) and VLANs wait for it: never ahead.
  vlansSettings: { createFromCheck: false, updateFromDiff: false },
  // Device attributes always exist, like tags.
  device: { createFromCheck: true, updateFromDiff: true },
  // Creates of objects the API numbers can fail on their own and others wait for their ids: never ahead.
  switchAccessPolicy: { createFromCheck: false, updateFromDiff: true },
  linkAggregation: { createFromCheck: false, updateFromDiff: true },
  switchRoutingInterface: { createFromCheck: false, updateFromDiff: true },
  switchStaticRoute: { createFromCheck: false, updateFromDiff: true },
};

/** One change announced by Check (a create) or Diff (an update that replaces nothing). */
export interface Announcement {
  key: string;
  kind: Kind;
  /** The resource's properties, as the later Create/Update call is expected to carry them. */
  props: Props;
  intent: "create" | "ensure";
  signature: string;
}

/** What a flush did with an anticipated change. */
export type AheadOutcome =
  | { state: "applied"; change: Change | undefined; before: Props | null }
  | { state: "failed"; error: string }
  /** Not applied, or the outcome is not known (the apply threw): the call plans it afresh. */
  | { state: "released" };

type Entry =
  | { state: "announced"; a: Announcement }
  | { state: "applying"; a: Announcement; settled: Promise<void>; settle: () => void }
  | ({ a: Announcement } & AheadOutcome)
  /** A real call has taken over: never anticipated again in this process. */
  | { state: "claimed" };

/** Identical inputs, whatever the key order. */
export function signature(kind: Kind, props: Props): string {
  return canonicalJson([kind, props]);
}

/** JSON with object keys sorted and undefined dropped, for comparing values. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v as Props)
        .filter(([, x]) => x !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, x]) => [k, canonical(x)]),
    );
  }
  return v;
}

export class Ledger {
  private readonly entries = new Map<string, Entry>();

  /** Records an announcement, unless this change was already taken, applied or claimed here. */
  announce(a: Announcement): void {
    const e = this.entries.get(a.key);
    if (!e || e.state === "announced" || e.state === "released") this.entries.set(a.key, { state: "announced", a });
  }

  /** The announced changes not yet applied, except `exclude` (keys with a call in the same flush); they become "applying". */
  take(exclude: Set<string>): Announcement[] {
    const out: Announcement[] = [];
    for (const [key, e] of this.entries) {
      if (e.state !== "announced" || exclude.has(key)) continue;
      let settle!: () => void;
      const settled = new Promise<void>((r) => (settle = r));
      this.entries.set(key, { state: "applying", a: e.a, settled, settle });
      out.push(e.a);
    }
    return out;
  }

  /** Records what the flush did with an anticipated change. */
  settle(key: string, outcome: AheadOutcome): void {
    const e = this.entries.get(key);
    if (!e || e.state !== "applying") return;
    this.entries.set(key, { a: e.a, ...outcome });
    e.settle();
  }

  /**
   * A real Create/Update call for `key` arrived: returns what was done ahead for it (waiting for a
   * flush still applying it), and marks the key claimed so that it is never anticipated again.
   */
  async claim(key: string): Promise<({ a: Announcement } & AheadOutcome) | undefined> {
    let e = this.entries.get(key);
    while (e && e.state === "applying") {
      await e.settled;
      e = this.entries.get(key);
    }
    this.entries.set(key, { state: "claimed" });
    return e && (e.state === "applied" || e.state === "failed") ? e : undefined;
  }

  /** How many announced changes wait for a flush (for tests and debugging). */
  pending(): number {
    return [...this.entries.values()].filter((e) => e.state === "announced").length;
  }
}

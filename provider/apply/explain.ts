/**
 * Whose change is it? When live fields a plan touches moved since the plan was made, a move that
 * went toward the plan (every moved field is now what the plan wants, and what is left to do is
 * part of what was planned) and that a confirmed batch in the organization wrote is explained by
 * that batch: typically an earlier run of the same program, killed after it confirmed it
 * (issue #21.4). Nothing a person set differently would be overwritten by planning again. Pure.
 */
import { ActionBatch } from "../dashboard/batches";
import { fieldChanges } from "../plan/diff";
import { stableJson } from "../plan/digest";
import { Change } from "../resources/common";
import { DraftRecord } from "./ledger";
import { compareIds, overlap, touched } from "./objects";

export interface Culprit {
  id: string;
  state: "running" | "completed" | "failed";
  /** The plan's change keys whose moves it explains. */
  keys: string[];
  /** What this machine's ledger knows of it (made by this tool here). */
  record?: DraftRecord;
  alive?: boolean;
}

/** The move from what the plan saw to `now` (the resource planned again) went only toward the plan. */
export function towardPlan(planned: Change, now: Change | undefined): boolean {
  if (!now) return false;
  if (now.op === "noop") return true;
  if (planned.live === null || now.live === null) return false; // it appeared or went, and is not what is wanted
  const left = new Set(now.fields.map((f) => f.path));
  const wanted = new Map(planned.fields.map((f) => [f.path, stableJson(f.new ?? null)]));
  const moved = fieldChanges(planned.live, now.live).map((f) => f.path);
  return moved.every((p) => !left.has(p)) && now.fields.every((f) => wanted.get(f.path) === stableJson(f.new ?? null));
}

const stateOf = (b: ActionBatch): Culprit["state"] => (b.status?.completed ? "completed" : b.status?.failed ? "failed" : "running");

/**
 * For each moved change: explained when it moved toward the plan and a confirmed batch (not one of
 * `ownIds`) wrote its object; the batch named is a running one first, else the newest.
 */
export function explainMoves(
  moves: Array<{ planned: Change; now?: Change }>,
  batches: ActionBatch[],
  ownIds: Set<string>,
  record: (b: ActionBatch) => DraftRecord | undefined,
  alive: (r: DraftRecord) => boolean | undefined,
): { explained: Set<string>; culprits: Culprit[] } {
  const writers = batches
    .filter((b) => b.confirmed && !ownIds.has(b.id))
    .map((b) => ({ b, objects: touched(b.actions ?? []) }))
    .sort((x, y) => Number(stateOf(y.b) === "running") - Number(stateOf(x.b) === "running") || compareIds(y.b.id, x.b.id));
  const explained = new Set<string>();
  const byId = new Map<string, Culprit>();
  for (const { planned, now } of moves) {
    if (!towardPlan(planned, now)) continue;
    const objects = touched(planned.actions);
    const w = writers.find((x) => overlap(objects, x.objects).length > 0);
    if (!w) continue;
    explained.add(planned.key);
    let c = byId.get(w.b.id);
    if (!c) {
      const r = record(w.b);
      byId.set(w.b.id, (c = { id: w.b.id, state: stateOf(w.b), keys: [], ...(r ? { record: r, alive: alive(r) } : {}) }));
    }
    c.keys.push(planned.key);
  }
  return { explained, culprits: [...byId.values()].sort((a, b) => compareIds(a.id, b.id)) };
}

/** "batch 123 (completed; made by a meraki-batch run on this machine that has ended)" */
export function describeCulprit(c: Culprit): string {
  const who = c.record
    ? c.record.purpose === "review"
      ? "staged for review with 'meraki-batch plan --stage' on this machine"
      : `made by a meraki-batch run on this machine ${c.alive ? "that is still going" : "that has ended"}`
    : "not made on this machine";
  return `batch ${c.id} (${c.state}; ${who})`;
}

/** A digest of the live state a plan was made from: the managed fields of every resource it touches. */
import { createHash } from "crypto";
import { Change } from "../resources/common";

/** JSON with object keys sorted, so that equal values give equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function fingerprint(changes: Pick<Change, "key" | "live">[]): string {
  const hash = createHash("sha256");
  for (const c of [...changes].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    hash.update(JSON.stringify(c.key));
    hash.update(stableJson(c.live));
    hash.update("\n");
  }
  return `sha256:${hash.digest("hex")}`;
}

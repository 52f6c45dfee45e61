/**
 * Faults injected through POST /_emulator/faults, for testing clients against the failures the
 * real Dashboard produces: a failing action, 5xx responses, a lost response after a committed
 * batch create or confirm, 429 without Retry-After, and an action whose change silently does not
 * happen.
 */
import { z } from "zod";
import { BatchAction } from "./model";

export const faultSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("actionFailure"),
    /** Matches the action's operation exactly when given. */
    operation: z.string().optional(),
    /** Matches when the action's resource contains this text. */
    resource: z.string().optional(),
    message: z.string().min(1),
    /** How many matching actions fail; unlimited when absent. */
    times: z.number().int().positive().optional(),
  }),
  z.object({
    type: z.literal("serverError"),
    count: z.number().int().positive(),
    status: z.number().int().min(500).max(599).default(500),
  }),
  z.object({
    type: z.literal("dropConnection"),
    /** After the next batch create or confirm has been committed, close the socket without answering. */
    after: z.enum(["create", "confirm"]),
    count: z.number().int().positive().default(1),
  }),
  z.object({
    type: z.literal("rateLimitWithoutRetryAfter"),
    count: z.number().int().positive(),
  }),
  z.object({
    /**
     * A batch action that "succeeds" without changing anything: the batch completes, the change is
     * not there (the "applied but not really" reports of cisco-open provider #61, #234). For
     * testing that clients read their result back.
     */
    type: z.literal("dropChange"),
    operation: z.string().optional(),
    resource: z.string().optional(),
    times: z.number().int().positive().optional(),
  }),
]);

export type FaultSpec = z.infer<typeof faultSchema>;
type Fault = FaultSpec & { id: number; remaining: number };

export class Faults {
  private list: Fault[] = [];
  private seq = 0;

  add(spec: FaultSpec): Fault {
    const remaining = "count" in spec ? spec.count : "times" in spec && spec.times !== undefined ? spec.times : Infinity;
    const fault = { ...spec, id: ++this.seq, remaining } as Fault;
    this.list.push(fault);
    return fault;
  }

  all(): Array<FaultSpec & { id: number; remaining: number | null }> {
    return this.list.map((f) => ({ ...f, remaining: Number.isFinite(f.remaining) ? f.remaining : null }));
  }

  clear(): void {
    this.list = [];
  }

  private consume<T extends Fault["type"]>(type: T, match: (f: Extract<Fault, { type: T }>) => boolean = () => true): Extract<Fault, { type: T }> | undefined {
    const fault = this.list.find((f): f is Extract<Fault, { type: T }> => f.type === type && f.remaining > 0 && match(f as Extract<Fault, { type: T }>));
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.list = this.list.filter((f) => f !== fault);
    return fault;
  }

  /** The injected message when this action is set to fail. */
  actionFailure(action: BatchAction): string | undefined {
    return this.consume("actionFailure", (f) => (f.operation === undefined || f.operation === action.operation) && (f.resource === undefined || action.resource.includes(f.resource)))?.message;
  }

  /** Whether this action's change is to be silently dropped. */
  dropChange(action: BatchAction): boolean {
    return this.consume("dropChange", (f) => (f.operation === undefined || f.operation === action.operation) && (f.resource === undefined || action.resource.includes(f.resource))) !== undefined;
  }

  serverError(): number | undefined {
    return this.consume("serverError")?.status;
  }

  dropConnection(after: "create" | "confirm"): boolean {
    return this.consume("dropConnection", (f) => f.after === after) !== undefined;
  }

  rateLimitWithoutRetryAfter(): boolean {
    return this.consume("rateLimitWithoutRetryAfter") !== undefined;
  }
}

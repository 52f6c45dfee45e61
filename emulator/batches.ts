/**
 * Action batches (reference §1): create, list, get, update (confirm, synchronous) and delete,
 * with the documented limits and the transactional execution of the actions.
 */
import { resolveAction } from "./actions";
import { EmulatorClock } from "./clock";
import { ApiError, badRequest, notFound } from "./errors";
import { Faults } from "./faults";
import { Journal } from "./journal";
import { ActionBatch, BatchAction, BatchStatus, OrgState } from "./model";
import { EmulatorState } from "./state";
import { Body, isPlainObject } from "./validate";

export const MAX_ACTIONS = 100;
export const MAX_SYNC_ACTIONS = 20;
export const MAX_CONCURRENT = 5;
export const UNCONFIRMED_TTL_MS = 7 * 24 * 3600 * 1000;
export const CONCURRENCY_ERROR = "Too many concurrently executing batches. Maximum is 5 confirmed but not yet executed batches.";
// The API's wording for the two size limits is not documented anywhere we could find (reference §1.4).
export const TOO_MANY_ACTIONS = `An action batch can have at most ${MAX_ACTIONS} actions`;
export const TOO_MANY_SYNC_ACTIONS = `A synchronous action batch can have at most ${MAX_SYNC_ACTIONS} actions`;

const STATUS_FILTERS = ["pending", "completed", "failed"];

export interface BatchOptions {
  /** Delay before a confirmed asynchronous batch runs (emulator time). */
  latencyMs: number;
  /** How much faster than real time the emulator clock runs. */
  timeScale?: number;
}

const isRunning = (b: ActionBatch) => b.confirmed && !b.status.completed && !b.status.failed;

export class BatchService {
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: EmulatorClock,
    private readonly faults: Faults,
    private readonly opts: BatchOptions,
    private readonly onFinished: (batch: ActionBatch) => void = () => undefined,
  ) {}

  private org(orgId: string): OrgState {
    const org = this.state.org(orgId);
    if (!org) throw notFound();
    return org;
  }

  runningCount(orgId: string): number {
    const org = this.state.org(orgId);
    return org ? Object.values(org.batches).filter(isRunning).length : 0;
  }

  /** Expires week-old drafts and runs asynchronous batches whose time has come. */
  settle(): void {
    const now = this.clock.now();
    const due: ActionBatch[] = [];
    for (const org of Object.values(this.state.world.organizations)) {
      for (const b of Object.values(org.batches)) {
        if (!b.confirmed && now - b.createdAt >= UNCONFIRMED_TTL_MS) {
          delete org.batches[b.id];
          this.state.persist();
        } else if (isRunning(b) && b.dueAt !== undefined && b.dueAt <= now) due.push(b);
      }
    }
    due.sort((a, b) => a.dueAt! - b.dueAt!).forEach((b) => this.execute(b));
  }

  create(orgId: string, body: Body): ActionBatch {
    const org = this.org(orgId);
    const problems: string[] = [];
    for (const key of ["confirmed", "synchronous"]) {
      if (body[key] !== undefined && typeof body[key] !== "boolean") problems.push(`'${key}' must be a boolean`);
    }
    if (body.actions === undefined) problems.push("'actions' is required");
    else if (!Array.isArray(body.actions)) problems.push("'actions' must be an array");
    if (problems.length) throw badRequest(...problems);
    const actions = this.parseActions(body.actions as unknown[]);
    const confirmed = body.confirmed === true;
    const synchronous = body.synchronous === true;
    if (actions.length === 0) throw badRequest("'actions' must not be empty");
    if (actions.length > MAX_ACTIONS) throw badRequest(TOO_MANY_ACTIONS);
    if (synchronous && actions.length > MAX_SYNC_ACTIONS) throw badRequest(TOO_MANY_SYNC_ACTIONS);
    const callback = this.parseCallback(body.callback);
    if (confirmed) this.checkConcurrency(orgId);

    const batch: ActionBatch = {
      id: this.state.newId(),
      organizationId: orgId,
      confirmed,
      synchronous,
      status: { completed: false, failed: false, errors: [], createdResources: [] },
      actions,
      createdAt: this.clock.now(),
      ...(callback ? { callback } : {}),
    };
    org.batches[batch.id] = batch;
    if (confirmed) this.start(batch);
    this.state.persist();
    return batch;
  }

  private parseActions(raw: unknown[]): BatchAction[] {
    const problems: string[] = [];
    const actions: BatchAction[] = [];
    raw.forEach((a, i) => {
      if (!isPlainObject(a)) return problems.push(`'actions[${i}]' must be an object`);
      if (typeof a.resource !== "string") return problems.push(`'actions[${i}].resource' must be a string`);
      if (typeof a.operation !== "string") return problems.push(`'actions[${i}].operation' must be a string`);
      if (a.body !== undefined && !isPlainObject(a.body)) return problems.push(`'actions[${i}].body' must be an object`);
      try {
        resolveAction(a.resource, a.operation);
      } catch (err) {
        if (err instanceof ApiError) return problems.push(...err.errors);
        throw err;
      }
      actions.push({ resource: a.resource, operation: a.operation, body: (a.body as Body | undefined) ?? {} });
      return undefined;
    });
    if (problems.length) throw badRequest(...problems);
    return actions;
  }

  private parseCallback(raw: unknown): ActionBatch["callback"] {
    if (raw === undefined || raw === null) return undefined;
    if (!isPlainObject(raw)) throw badRequest("'callback' must be an object");
    const url = raw.url;
    const secret = raw.sharedSecret;
    const serverId = isPlainObject(raw.httpServer) ? raw.httpServer.id : undefined;
    if ((url === undefined) !== (secret === undefined)) throw badRequest("'callback' must include both 'url' and 'sharedSecret', or neither");
    if (url !== undefined && (typeof url !== "string" || !/^https?:\/\//.test(url))) throw badRequest("'callback.url' must be an http(s) URL");
    if (secret !== undefined && typeof secret !== "string") throw badRequest("'callback.sharedSecret' must be a string");
    if (url === undefined && serverId === undefined) throw badRequest("'callback' must include either an httpServer id or a url and sharedSecret");
    if (url !== undefined && serverId !== undefined) throw badRequest("'callback' must include either an httpServer id or a url and sharedSecret, not both");
    return { id: this.state.newId(), status: "new", ...(url ? { url: url as string, sharedSecret: secret as string } : { httpServerId: String(serverId) }) };
  }

  private checkConcurrency(orgId: string): void {
    if (this.runningCount(orgId) >= MAX_CONCURRENT) throw badRequest(CONCURRENCY_ERROR);
  }

  list(orgId: string, status: string | null): ActionBatch[] {
    const org = this.org(orgId);
    if (status !== null && !STATUS_FILTERS.includes(status)) {
      throw badRequest(`'status' must be one of: 'pending', 'completed' or 'failed'`);
    }
    return Object.values(org.batches)
      .filter((b) => {
        if (status === "completed") return b.status.completed;
        if (status === "failed") return b.status.failed;
        if (status === "pending") return !b.status.completed && !b.status.failed;
        return true;
      })
      .sort((a, b) => a.createdAt - b.createdAt || Number(BigInt(a.id) - BigInt(b.id)));
  }

  get(orgId: string, id: string): ActionBatch {
    const batch = this.org(orgId).batches[id];
    if (!batch) throw notFound(`Action batch ${id} not found`);
    return batch;
  }

  /** PUT: only `confirmed` (false → true, never back) and `synchronous` may change. */
  update(orgId: string, id: string, body: Body): ActionBatch {
    const batch = this.get(orgId, id);
    const problems: string[] = [];
    for (const key of ["confirmed", "synchronous"]) {
      if (body[key] !== undefined && typeof body[key] !== "boolean") problems.push(`'${key}' must be a boolean`);
    }
    if (body.actions !== undefined) problems.push("The actions of an action batch cannot be changed after it is created");
    if (problems.length) throw badRequest(...problems);
    const confirmed = body.confirmed as boolean | undefined;
    const synchronous = body.synchronous as boolean | undefined;
    if (batch.confirmed) {
      if (confirmed === false) throw badRequest("'confirmed' cannot be unset once it is true");
      if (synchronous !== undefined && synchronous !== batch.synchronous) throw badRequest("A confirmed action batch cannot be changed");
      return batch; // confirming again is a no-op
    }
    const nextSync = synchronous ?? batch.synchronous;
    if (nextSync && batch.actions.length > MAX_SYNC_ACTIONS) throw badRequest(TOO_MANY_SYNC_ACTIONS);
    if (confirmed) this.checkConcurrency(orgId);
    batch.synchronous = nextSync;
    if (confirmed) {
      batch.confirmed = true;
      this.start(batch);
    }
    this.state.persist();
    return batch;
  }

  remove(orgId: string, id: string): void {
    const batch = this.get(orgId, id);
    if (batch.confirmed) throw badRequest("A confirmed action batch cannot be deleted");
    delete this.org(orgId).batches[id];
    this.state.persist();
  }

  private start(batch: ActionBatch): void {
    if (batch.synchronous) {
      this.execute(batch);
      return;
    }
    batch.dueAt = this.clock.now() + this.opts.latencyMs;
    if (this.closed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (isRunning(batch) && !this.closed) this.execute(batch);
    }, this.opts.latencyMs / (this.opts.timeScale ?? 1));
    this.timers.add(timer);
  }

  /** Runs the actions in order inside one transaction; the first failure undoes all of them. */
  private execute(batch: ActionBatch): void {
    const org = this.state.org(batch.organizationId);
    if (!org || !isRunning(batch)) return;
    const journal = new Journal();
    const ctx = this.state.context(org, journal);
    const created: BatchStatus["createdResources"] = [];
    for (const action of batch.actions) {
      try {
        const injected = this.faults.actionFailure(action);
        if (injected !== undefined) throw new ApiError(400, [injected], "other");
        if (this.faults.dropChange(action)) continue;
        const resolved = resolveAction(action.resource, action.operation);
        const result = resolved.handler(ctx, resolved.params, action.body, action.resource);
        if (result.created) created.push(result.created);
      } catch (err) {
        journal.rollback();
        batch.status = { completed: false, failed: true, errors: describeFailure(action, err), createdResources: [] };
        delete batch.dueAt;
        this.finish(batch);
        return;
      }
    }
    this.state.recordConfigurationChanges(org, journal);
    batch.status = { completed: true, failed: false, errors: [], createdResources: created };
    delete batch.dueAt;
    this.finish(batch);
  }

  private finish(batch: ActionBatch): void {
    this.state.persist();
    this.onFinished(batch);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}

/** `Error occurred while executing <op> <resource> with <json>: <message>`, one per message. */
export function describeFailure(action: BatchAction, err: unknown): string[] {
  const prefix = `Error occurred while executing ${action.operation} ${action.resource} with ${JSON.stringify(action.body)}: `;
  if (!(err instanceof ApiError)) return [`${prefix}Internal error`];
  return err.errors.map((m) => prefix + (err.kind === "validation" ? `Validation failed: ${m}` : m));
}

/** A batch as the API returns it; `callback` only where the spec has it (POST and GET-one). */
export function renderBatch(batch: ActionBatch, withCallback: boolean): Body {
  const out: Body = {
    id: batch.id,
    organizationId: batch.organizationId,
    confirmed: batch.confirmed,
    synchronous: batch.synchronous,
    status: batch.status,
    actions: batch.actions,
  };
  if (withCallback && batch.callback) {
    out.callback = { id: batch.callback.id, url: batch.callback.url ?? null, status: batch.callback.status };
  }
  return out;
}

/**
 * The Dashboard API emulator's HTTP server: authentication, per-organization rate limiting,
 * the read and write endpoints, action batches and the control API under /_emulator/.
 * Embeddable (`startEmulator({ port: 0 })`) and run by `meraki-batch emulator`.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import { resolveAction } from "./actions";
import { BatchService, renderBatch } from "./batches";
import { EmulatorClock } from "./clock";
import { ApiError, badRequest } from "./errors";
import { Faults, faultSchema } from "./faults";
import { MAX_BODY_BYTES, Router, readJsonBody, sendJson } from "./http";
import { ActionBatch, Device, World } from "./model";
import { RateLimiter } from "./rate-limit";
import { RequestLog } from "./request-log";
import { getAccessPolicy, listAccessPolicies } from "./resources/access-policies";
import { renderDevice } from "./resources/devices";
import { listLinkAggregations } from "./resources/link-aggregations";
import { getInterface, getInterfaceDhcp, getStaticRoute, listInterfaces, listStaticRoutes } from "./resources/routing";
import { configurationUpdatedAfter, listPortsBySwitch } from "./resources/ports-by-switch";
import { getPort, listPorts } from "./resources/switch-ports";
import { getVlan, getVlanSettings, listVlans } from "./resources/vlans";
import { loadSeed, loadWorldFile } from "./seeds";
import { ExecContext } from "./resources/context";
import { EmulatorState } from "./state";
import { Body, isPlainObject } from "./validate";

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** demo | campus | empty | path to a world JSON file */
  seed?: string;
  /** Switches in the campus seed. */
  switches?: number;
  /** Requests per second per organization; 0 turns rate limiting off. */
  rateLimit?: number;
  /** Delay before a confirmed asynchronous batch runs. */
  batchLatencyMs?: number;
  /** Persist the world here (loaded at start when it exists). */
  statePath?: string;
  /** Freeze the clock: it then only moves through POST /_emulator/clock. */
  frozenClock?: boolean;
  startTime?: number;
  /** The clock runs this many times faster than real time (benchmarks' quick mode). */
  timeScale?: number;
  maxBodyBytes?: number;
}

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8787,
  seed: "demo",
  rateLimit: 10,
  batchLatencyMs: 200,
} as const;

const API_PREFIXES = ["/api/v1", "/api/v0"];

/**
 * `perPage` ranges and defaults of the paginated lists: networks and bySwitch as in spec v1.42;
 * organizations (3–9000, default 9000) and devices (3–5000, default 1000) as the current API and
 * the Python SDK document them (spec v1.42 had devices at 3–1000 and organizations unpaginated).
 */
const PAGE_LIMITS = {
  organizations: { min: 3, max: 9000, default: 9000 },
  networks: { min: 3, max: 100000, default: 1000 },
  devices: { min: 3, max: 5000, default: 1000 },
  portsBySwitch: { min: 3, max: 50, default: 50 },
};
const RATE_LIMIT_BODY = { errors: ["API rate limit exceeded for organization"] };

interface RequestContext {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** e.g. http://127.0.0.1:8787/api/v1, for absolute Link headers */
  apiBase: string;
  orgs: string[];
  body: Body;
  /** Set by the handler when the response must be dropped after the commit. */
  drop?: boolean;
}

/** A reply with status, body and extra headers. */
interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const reply = (status: number, body?: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

export class Emulator {
  readonly clock: EmulatorClock;
  readonly state: EmulatorState;
  readonly faults = new Faults();
  readonly log = new RequestLog();
  readonly batches: BatchService;
  private readonly orgLimiter: RateLimiter;
  private readonly ipLimiter: RateLimiter;
  private readonly server: http.Server;
  private readonly router = new Router<RequestContext>();
  private readonly opts: Required<Pick<EmulatorOptions, "host" | "port" | "seed" | "rateLimit" | "batchLatencyMs">> & EmulatorOptions;
  private seedWorld: () => World;

  constructor(options: EmulatorOptions = {}) {
    this.opts = { ...DEFAULTS, ...stripUndefined(options) };
    const scale = options.timeScale ?? 1;
    const origin = Date.now();
    this.clock = new EmulatorClock({
      frozen: options.frozenClock,
      startTime: options.startTime,
      realNow: scale === 1 ? Date.now : () => origin + (Date.now() - origin) * scale,
    });
    this.seedWorld = () => loadSeed(this.opts.seed, { switches: this.opts.switches });
    const initial = this.opts.statePath && fs.existsSync(this.opts.statePath) ? loadWorldFile(this.opts.statePath) : this.seedWorld();
    this.state = new EmulatorState(initial, this.opts.statePath, () => this.clock.now());
    this.state.persist();
    const now = () => this.clock.now();
    this.orgLimiter = new RateLimiter(this.opts.rateLimit, now);
    // The per-IP limit is ten times the per-organization one (100/s against 10/s).
    this.ipLimiter = new RateLimiter(this.opts.rateLimit * 10, now);
    this.batches = new BatchService(this.state, this.clock, this.faults, { latencyMs: this.opts.batchLatencyMs, timeScale: scale }, (b) => this.deliverCallback(b));
    this.registerRoutes();
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err) => {
        // Last resort: the server never crashes on a request.
        if (!res.headersSent) sendJson(res, 500, { errors: [`Internal emulator error: ${(err as Error).message}`] });
      });
    });
    this.server.keepAliveTimeout = 5000;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return this;
  }

  get origin(): string {
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
    return `http://${host}:${addr.port}`;
  }

  /** Base URL of the v1 API, e.g. http://127.0.0.1:8787/api/v1 */
  get url(): string {
    return `${this.origin}/api/v1`;
  }

  get apiKeys(): string[] {
    return this.state.world.apiKeys.map((k) => k.key);
  }

  reset(seed?: string): void {
    if (seed) {
      this.opts.seed = seed;
    }
    this.state.replace(this.seedWorld());
    this.faults.clear();
    this.log.clear();
    this.orgLimiter.reset();
    this.ipLimiter.reset();
  }

  async close(): Promise<void> {
    this.batches.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader("X-Request-Id", randomBytes(8).toString("hex"));
    const url = new URL(req.url ?? "/", "http://emulator");
    if (url.pathname.startsWith("/_emulator/")) return this.handleControl(req, res, url);
    const prefix = API_PREFIXES.find((p) => url.pathname === p || url.pathname.startsWith(`${p}/`));
    if (!prefix) {
      await drain(req);
      return sendJson(res, 404, { errors: ["Not found"] });
    }
    const path = url.pathname.slice(prefix.length) || "/";
    this.batches.settle();
    const orgId = this.orgOfPath(path);
    const finish = (r: Reply, dropped = false) => {
      this.log.add({
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.search,
        status: dropped ? 0 : r.status,
        organizationId: orgId ?? null,
        time: new Date(this.clock.now()).toISOString(),
        runningBatches: orgId ? this.batches.runningCount(orgId) : 0,
        userAgent: req.headers["user-agent"] ?? null,
        ...(dropped ? { dropped: true } : {}),
      });
      if (dropped) {
        req.socket.destroy();
        return;
      }
      sendJson(res, r.status, r.body, r.headers);
    };

    let body: unknown;
    try {
      body = await readJsonBody(req, this.opts.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (err) {
      const e = err as ApiError;
      return finish(reply(e.status ?? 400, { errors: e.errors ?? ["Bad request"] }, e.status === 413 ? { Connection: "close" } : {}));
    }

    const serverError = this.faults.serverError();
    if (serverError !== undefined) return finish(reply(serverError, { errors: ["Internal server error (injected)"] }));

    const key = apiKeyOf(req);
    if (key === undefined) return finish(reply(401, { errors: ["Missing API key"] }));
    const orgs = this.state.keyOrgs(key);
    if (!orgs) return finish(reply(401, { errors: ["Invalid API key"] }));
    if (orgId === null || (orgId !== undefined && !orgs.includes(orgId))) return finish(reply(404, { errors: ["Not found"] }));

    if (this.faults.rateLimitWithoutRetryAfter()) return finish(reply(429, RATE_LIMIT_BODY));
    const ip = this.ipLimiter.take(req.socket.remoteAddress ?? "unknown");
    const org = orgId ? this.orgLimiter.take(orgId) : { ok: true as const };
    if (!ip.ok || !org.ok) {
      const wait = Math.max(ip.ok ? 0 : ip.retryAfterSeconds, org.ok ? 0 : org.retryAfterSeconds);
      return finish(reply(429, ip.ok ? RATE_LIMIT_BODY : { errors: ["API rate limit exceeded for IP address"] }, { "Retry-After": String(wait) }));
    }

    const method = req.method ?? "GET";
    let match: ReturnType<Router<RequestContext>["match"]>;
    try {
      match = this.router.match(method, path);
    } catch {
      return finish(reply(400, { errors: ["Malformed URL"] }));
    }
    if (!match) return finish(reply(404, { errors: ["Not found"] }));
    if ("allowed" in match) return finish(reply(405, { errors: [`Method ${method} not allowed`] }, { Allow: match.allowed.join(", ") }));
    if (body !== undefined && !isPlainObject(body)) return finish(reply(400, { errors: ["The request body must be a JSON object"] }));

    const host = req.headers.host ?? "127.0.0.1";
    const ctx: RequestContext = { req, res, url, apiBase: `http://${host}${prefix}`, orgs, body: (body as Body) ?? {} };
    try {
      const r = match.route.handler(ctx, match.params) as Reply;
      finish(r, ctx.drop === true);
    } catch (err) {
      if (err instanceof ApiError) return finish(reply(err.status, { errors: err.errors }));
      finish(reply(500, { errors: ["Internal server error"] }));
    }
  }

  /**
   * The organization a path belongs to: undefined when the path is not under one
   * (GET /organizations), null when it names an unknown organization, network or device.
   */
  private orgOfPath(path: string): string | null | undefined {
    const [, kind, rawId] = path.split("/");
    if (!rawId) return undefined;
    let id: string;
    try {
      id = decodeURIComponent(rawId);
    } catch {
      return null;
    }
    if (kind === "organizations") return this.state.org(id) ? id : null;
    if (kind === "networks") return this.state.orgOfNetwork(id) ?? null;
    if (kind === "devices") return this.state.orgOfDevice(id) ?? null;
    return undefined;
  }

  private orgIdOf(ctx: RequestContext, p: Record<string, string>): string {
    if (p.organizationId) return p.organizationId;
    if (p.networkId) return this.state.orgOfNetwork(p.networkId)!;
    return this.state.orgOfDevice(p.serial)!;
  }

  /** A read against the organization of the path. */
  private read<T>(ctx: RequestContext, p: Record<string, string>, fn: Parameters<EmulatorState["read"]>[1]): T {
    return this.state.read(this.orgIdOf(ctx, p), fn) as T;
  }

  /** A REST write: the same handler an action batch would run, in its own transaction. */
  private write(ctx: RequestContext, p: Record<string, string>, resource: string, operation: string, status: number, render: () => unknown): Reply {
    const resolved = resolveAction(resource, operation);
    this.state.transact(this.orgIdOf(ctx, p), (exec) => resolved.handler(exec, resolved.params, ctx.body, resource));
    return reply(status, render());
  }

  private registerRoutes(): void {
    const r = this.router;
    const enc = encodeURIComponent;
    r.add("GET", "/organizations", (ctx) => {
      const orgs = ctx.orgs.map((id) => this.state.org(id)).filter((o) => o !== undefined).map((o) => renderOrg(o!.organization));
      return paginate(ctx, orgs, (o) => o.id as string, PAGE_LIMITS.organizations);
    });
    r.add("GET", "/organizations/{organizationId}", (ctx, p) => reply(200, renderOrg(this.state.org(p.organizationId)!.organization)));
    r.add("GET", "/organizations/{organizationId}/networks", (ctx, p) => {
      const nets = Object.values(this.state.org(p.organizationId)!.networks).map(renderNetwork);
      return paginate(ctx, nets, (n) => n.id as string, PAGE_LIMITS.networks);
    });
    r.add("GET", "/organizations/{organizationId}/devices", (ctx, p) => {
      const org = this.state.org(p.organizationId)!;
      const devices = filterDevices(Object.values(org.devices), ctx.url.searchParams, org.devicesConfiguredAt ?? {}).map(renderDevice);
      return paginate(ctx, devices, (d) => d.serial as string, PAGE_LIMITS.devices);
    });
    r.add("GET", "/organizations/{organizationId}/switch/ports/bySwitch", (ctx, p) =>
      paginate(ctx, listPortsBySwitch(this.state.org(p.organizationId)!, ctx.url.searchParams), (s) => s.serial as string, PAGE_LIMITS.portsBySwitch),
    );
    r.add("GET", "/networks/{networkId}", (ctx, p) => reply(200, renderNetwork(this.state.org(this.orgIdOf(ctx, p))!.networks[p.networkId])));
    r.add("GET", "/networks/{networkId}/devices", (ctx, p) => {
      const org = this.state.org(this.orgIdOf(ctx, p))!;
      return reply(200, Object.values(org.devices).filter((d) => d.networkId === p.networkId).map(renderDevice));
    });
    r.add("GET", "/devices/{serial}", (ctx, p) => reply(200, renderDevice(this.state.org(this.orgIdOf(ctx, p))!.devices[p.serial])));
    r.add("PUT", "/devices/{serial}", (ctx, p) =>
      this.write(ctx, p, `/devices/${enc(p.serial)}`, "update", 200, () => renderDevice(this.state.org(this.orgIdOf(ctx, p))!.devices[p.serial])),
    );
    r.add("GET", "/devices/{serial}/switch/ports", (ctx, p) => reply(200, this.read(ctx, p, (c) => listPorts(c, p.serial))));
    r.add("GET", "/devices/{serial}/switch/ports/{portId}", (ctx, p) => reply(200, this.read(ctx, p, (c) => getPort(c, p.serial, p.portId))));
    r.add("PUT", "/devices/{serial}/switch/ports/{portId}", (ctx, p) =>
      this.write(ctx, p, `/devices/${enc(p.serial)}/switch/ports/${enc(p.portId)}`, "update", 200, () => this.read(ctx, p, (c) => getPort(c, p.serial, p.portId))),
    );
    r.add("POST", "/devices/{serial}/switch/ports/cycle", (ctx, p) =>
      this.write(ctx, p, `/devices/${enc(p.serial)}/switch/ports/cycle`, "cycle", 200, () => ({ ports: ctx.body.ports })),
    );
    r.add("GET", "/networks/{networkId}/appliance/vlans/settings", (ctx, p) => reply(200, this.read(ctx, p, (c) => getVlanSettings(c, p.networkId))));
    r.add("PUT", "/networks/{networkId}/appliance/vlans/settings", (ctx, p) =>
      this.write(ctx, p, `/networks/${enc(p.networkId)}/appliance/vlans/settings`, "update", 200, () => this.read(ctx, p, (c) => getVlanSettings(c, p.networkId))),
    );
    r.add("GET", "/networks/{networkId}/appliance/vlans", (ctx, p) => reply(200, this.read(ctx, p, (c) => listVlans(c, p.networkId))));
    r.add("POST", "/networks/{networkId}/appliance/vlans", (ctx, p) => {
      const resource = `/networks/${enc(p.networkId)}/appliance/vlans`;
      const resolved = resolveAction(resource, "create");
      const result = this.state.transact(this.orgIdOf(ctx, p), (exec) => resolved.handler(exec, resolved.params, ctx.body, resource));
      return reply(201, this.read(ctx, p, (c) => getVlan(c, p.networkId, result.created!.id)));
    });
    r.add("GET", "/networks/{networkId}/appliance/vlans/{vlanId}", (ctx, p) => reply(200, this.read(ctx, p, (c) => getVlan(c, p.networkId, p.vlanId))));
    r.add("PUT", "/networks/{networkId}/appliance/vlans/{vlanId}", (ctx, p) =>
      this.write(ctx, p, `/networks/${enc(p.networkId)}/appliance/vlans/${enc(p.vlanId)}`, "update", 200, () => this.read(ctx, p, (c) => getVlan(c, p.networkId, p.vlanId))),
    );
    r.add("DELETE", "/networks/{networkId}/appliance/vlans/{vlanId}", (ctx, p) =>
      this.write(ctx, p, `/networks/${enc(p.networkId)}/appliance/vlans/${enc(p.vlanId)}`, "destroy", 204, () => undefined),
    );

    this.registerCampusRoutes();

    // Action batches.
    const base = "/organizations/{organizationId}/actionBatches";
    r.add("POST", base, (ctx, p) => {
      const batch = this.batches.create(p.organizationId, ctx.body);
      ctx.drop = this.faults.dropConnection("create");
      return reply(201, renderBatch(batch, true));
    });
    r.add("GET", base, (ctx, p) => reply(200, this.batches.list(p.organizationId, ctx.url.searchParams.get("status")).map((b) => renderBatch(b, false))));
    r.add("GET", `${base}/{actionBatchId}`, (ctx, p) => reply(200, renderBatch(this.batches.get(p.organizationId, p.actionBatchId), true)));
    r.add("PUT", `${base}/{actionBatchId}`, (ctx, p) => {
      const wasConfirmed = this.batches.get(p.organizationId, p.actionBatchId).confirmed;
      const batch = this.batches.update(p.organizationId, p.actionBatchId, ctx.body);
      if (!wasConfirmed && batch.confirmed) ctx.drop = this.faults.dropConnection("confirm");
      return reply(200, renderBatch(batch, false));
    });
    r.add("DELETE", `${base}/{actionBatchId}`, (ctx, p) => {
      this.batches.remove(p.organizationId, p.actionBatchId);
      return reply(204);
    });
  }

  /**
   * Access policies, link aggregations, layer 3 interfaces (with DHCP) and static routes: reads,
   * and REST writes that run the batch actions' handlers.
   */
  private registerCampusRoutes(): void {
    const r = this.router;
    const enc = encodeURIComponent;
    /** A collection under a network or a switch: list, create, and (when `item`) get, update, delete one. */
    const collection = (
      base: string,
      idParam: string,
      resourceOf: (p: Record<string, string>) => string,
      list: (c: ExecContext, p: Record<string, string>) => unknown,
      item?: (c: ExecContext, p: Record<string, string>, id: string) => unknown,
    ) => {
      r.add("GET", base, (ctx, p) => reply(200, this.read(ctx, p, (c) => list(c, p))));
      r.add("POST", base, (ctx, p) => {
        const resource = resourceOf(p);
        const resolved = resolveAction(resource, "create");
        const result = this.state.transact(this.orgIdOf(ctx, p), (exec) => resolved.handler(exec, resolved.params, ctx.body, resource));
        const id = result.created!.id;
        const all = this.read<Body[]>(ctx, p, (c) => list(c, p) as Body[]);
        return reply(201, item ? this.read(ctx, p, (c) => item(c, p, id)) : all.find((x) => x.id === id));
      });
      const one = `${base}/{${idParam}}`;
      const itemResource = (p: Record<string, string>) => `${resourceOf(p)}/${enc(p[idParam])}`;
      if (item) r.add("GET", one, (ctx, p) => reply(200, this.read(ctx, p, (c) => item(c, p, p[idParam]))));
      const after = (ctx: RequestContext, p: Record<string, string>) =>
        item ? this.read(ctx, p, (c) => item(c, p, p[idParam])) : this.read<Body[]>(ctx, p, (c) => list(c, p) as Body[]).find((x) => x.id === p[idParam]);
      r.add("PUT", one, (ctx, p) => this.write(ctx, p, itemResource(p), "update", 200, () => after(ctx, p)));
      r.add("DELETE", one, (ctx, p) => this.write(ctx, p, itemResource(p), "destroy", 204, () => undefined));
    };
    collection(
      "/networks/{networkId}/switch/accessPolicies",
      "accessPolicyNumber",
      (p) => `/networks/${enc(p.networkId)}/switch/accessPolicies`,
      (c, p) => listAccessPolicies(c, p.networkId),
      (c, p, id) => getAccessPolicy(c, p.networkId, id),
    );
    // SPEC142 has no GET of one link aggregation.
    collection(
      "/networks/{networkId}/switch/linkAggregations",
      "linkAggregationId",
      (p) => `/networks/${enc(p.networkId)}/switch/linkAggregations`,
      (c, p) => listLinkAggregations(c, p.networkId),
    );
    collection(
      "/devices/{serial}/switch/routing/interfaces",
      "interfaceId",
      (p) => `/devices/${enc(p.serial)}/switch/routing/interfaces`,
      (c, p) => listInterfaces(c, p.serial),
      (c, p, id) => getInterface(c, p.serial, id),
    );
    r.add("GET", "/devices/{serial}/switch/routing/interfaces/{interfaceId}/dhcp", (ctx, p) => reply(200, this.read(ctx, p, (c) => getInterfaceDhcp(c, p.serial, p.interfaceId))));
    r.add("PUT", "/devices/{serial}/switch/routing/interfaces/{interfaceId}/dhcp", (ctx, p) =>
      this.write(ctx, p, `/devices/${enc(p.serial)}/switch/routing/interfaces/${enc(p.interfaceId)}/dhcp`, "update", 200, () => this.read(ctx, p, (c) => getInterfaceDhcp(c, p.serial, p.interfaceId))),
    );
    collection(
      "/devices/{serial}/switch/routing/staticRoutes",
      "staticRouteId",
      (p) => `/devices/${enc(p.serial)}/switch/routing/staticRoutes`,
      (c, p) => listStaticRoutes(c, p.serial),
      (c, p, id) => getStaticRoute(c, p.serial, id),
    );
  }

  private async handleControl(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    let body: unknown;
    try {
      body = await readJsonBody(req);
    } catch (err) {
      const e = err as ApiError;
      return sendJson(res, e.status, { errors: e.errors });
    }
    const b = isPlainObject(body) ? body : {};
    const route = `${req.method} ${url.pathname.replace(/\/$/, "")}`;
    this.batches.settle();
    switch (route) {
      case "POST /_emulator/reset": {
        if (b.seed !== undefined && typeof b.seed !== "string") return sendJson(res, 400, { errors: ["'seed' must be a string"] });
        try {
          this.reset(b.seed as string | undefined);
        } catch (err) {
          return sendJson(res, 400, { errors: [(err as Error).message] });
        }
        return sendJson(res, 200, { reset: true, seed: this.opts.seed, apiKeys: this.apiKeys });
      }
      case "GET /_emulator/clock":
        return sendJson(res, 200, this.clock.describe());
      case "POST /_emulator/clock": {
        const s = b.advanceSeconds;
        if (typeof s !== "number" || !Number.isFinite(s) || s < 0) return sendJson(res, 400, { errors: ["'advanceSeconds' must be a non-negative number"] });
        this.clock.advance(s);
        this.batches.settle();
        return sendJson(res, 200, this.clock.describe());
      }
      case "GET /_emulator/requests":
        return sendJson(res, 200, { requests: this.log.all() });
      case "DELETE /_emulator/requests":
        this.log.clear();
        return sendJson(res, 204, undefined);
      case "GET /_emulator/faults":
        return sendJson(res, 200, { faults: this.faults.all() });
      case "POST /_emulator/faults": {
        const parsed = faultSchema.safeParse(body);
        if (!parsed.success) {
          return sendJson(res, 400, { errors: parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`) });
        }
        return sendJson(res, 201, this.faults.add(parsed.data));
      }
      case "DELETE /_emulator/faults":
        this.faults.clear();
        return sendJson(res, 204, undefined);
      default:
        return sendJson(res, 404, { errors: [`Unknown control endpoint ${route}`] });
    }
  }

  /** Posts the finished batch to its callback URL, as the Dashboard's webhook does. */
  private deliverCallback(batch: ActionBatch): void {
    const cb = batch.callback;
    if (!cb?.url) return;
    const org = this.state.org(batch.organizationId)!.organization;
    const payload = {
      organization: { id: org.id, name: org.name },
      network: null,
      sentAt: new Date(this.clock.now()).toISOString(),
      callbackId: cb.id,
      sharedSecret: cb.sharedSecret,
      message: renderBatch(batch, true),
    };
    fetch(cb.url, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload), signal: AbortSignal.timeout(5000) })
      .then((r) => {
        cb.status = r.ok ? "completed" : "failed";
      })
      .catch(() => {
        cb.status = "failed";
      });
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return new Emulator({ port: 0, ...options }).listen();
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

async function drain(req: http.IncomingMessage): Promise<void> {
  for await (const _ of req) {
    // discard
  }
}

function apiKeyOf(req: http.IncomingMessage): string | undefined {
  const header = req.headers["x-cisco-meraki-api-key"];
  if (typeof header === "string" && header.trim()) return header.trim();
  const auth = req.headers.authorization;
  const m = auth ? /^Bearer\s+(.+)$/i.exec(auth.trim()) : null;
  return m ? m[1].trim() : undefined;
}

function renderOrg(o: { id: string; name: string; url: string }): Body {
  return {
    id: o.id,
    name: o.name,
    url: o.url,
    api: { enabled: true },
    licensing: { model: "co-term" },
    cloud: { region: { name: "North America", host: { name: "United States" } } },
    management: { details: [] },
  };
}

function renderNetwork(n: { id: string; organizationId: string; name: string; productTypes: string[]; timeZone: string; tags: string[]; notes: string; isBoundToConfigTemplate?: boolean }): Body {
  return {
    id: n.id,
    organizationId: n.organizationId,
    name: n.name,
    productTypes: n.productTypes,
    timeZone: n.timeZone,
    tags: n.tags,
    enrollmentString: null,
    url: `https://n1.meraki.com/${encodeURIComponent(n.name)}/n/${n.id}/manage/usage/list`,
    notes: n.notes,
    isBoundToConfigTemplate: n.isBoundToConfigTemplate === true,
  };
}

/** Array query parameters come as `name[]=v` (or plain `name=v`). */
function multi(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(`${name}[]`), ...q.getAll(name)];
}

/** `configuredAt`: serial → when the device or its ports last changed (a device without one has not since seeding). */
function filterDevices(devices: Device[], q: URLSearchParams, configuredAt: Record<string, number>): Device[] {
  const after = configurationUpdatedAfter(q);
  const networkIds = multi(q, "networkIds");
  const productTypes = multi(q, "productTypes");
  const serials = multi(q, "serials");
  const models = multi(q, "models");
  const macs = multi(q, "macs");
  const tags = multi(q, "tags");
  const allTags = q.get("tagsFilterType") === "withAllTags";
  const contains = (field: "name" | "mac" | "serial" | "model") => {
    const v = q.get(field);
    return (d: Device) => v === null || d[field].toLowerCase().includes(v.toLowerCase());
  };
  return devices
    .filter((d) => !networkIds.length || networkIds.includes(d.networkId))
    .filter((d) => !productTypes.length || productTypes.includes(d.productType))
    .filter((d) => !serials.length || serials.includes(d.serial))
    .filter((d) => !models.length || models.includes(d.model))
    .filter((d) => !macs.length || macs.includes(d.mac))
    .filter((d) => !tags.length || (allTags ? tags.every((t) => d.tags.includes(t)) : tags.some((t) => d.tags.includes(t))))
    .filter(contains("name"))
    .filter(contains("mac"))
    .filter(contains("serial"))
    .filter(contains("model"))
    .filter((d) => after === undefined || (configuredAt[d.serial] ?? -Infinity) > after);
}

/**
 * RFC 5988 pagination: `perPage`, `startingAfter`/`endingBefore` (opaque tokens: the item keys),
 * and a Link header with absolute URLs and unquoted rels (first, prev, next, last).
 */
function paginate(ctx: RequestContext, items: Body[], keyOf: (b: Body) => string, limits: { min: number; max: number; default: number }): Reply {
  const q = ctx.url.searchParams;
  const perPageRaw = q.get("perPage");
  const perPage = perPageRaw === null ? limits.default : Number(perPageRaw);
  if (!Number.isInteger(perPage) || perPage < limits.min || perPage > limits.max) {
    throw badRequest(`'perPage' must be an integer between ${limits.min} and ${limits.max}`);
  }
  const sorted = [...items].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
  const after = q.get("startingAfter");
  const before = q.get("endingBefore");
  let start = 0;
  let end = sorted.length;
  // Index of the first item whose key passes, or the end.
  const firstWhere = (pass: (key: string) => boolean) => {
    const i = sorted.findIndex((item) => pass(keyOf(item)));
    return i === -1 ? sorted.length : i;
  };
  if (after !== null) start = firstWhere((k) => k > after);
  if (before !== null) {
    end = firstWhere((k) => k >= before);
    if (after === null) start = Math.max(0, end - perPage);
  }
  const page = sorted.slice(start, Math.min(end, start + perPage));
  const link = (rel: string, params: Record<string, string | null>) => {
    const u = new URL(`${ctx.apiBase}${ctx.url.pathname.replace(/^\/api\/v\d/, "")}`);
    for (const [k, v] of q) if (!["perPage", "startingAfter", "endingBefore"].includes(k)) u.searchParams.append(k, v);
    u.searchParams.set("perPage", String(perPage));
    for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
    return `<${u.toString()}>; rel=${rel}`;
  };
  const links = [link("first", {})];
  if (start > 0 && page.length) links.push(link("prev", { endingBefore: keyOf(page[0]) }));
  if (start + page.length < sorted.length && page.length) links.push(link("next", { startingAfter: keyOf(page[page.length - 1]) }));
  if (sorted.length) {
    const lastStart = Math.max(0, sorted.length - perPage);
    links.push(link("last", lastStart > 0 ? { startingAfter: keyOf(sorted[lastStart - 1]) } : {}));
  }
  return reply(200, page, { Link: links.join(", ") });
}


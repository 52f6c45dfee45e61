/**
 * What the chaos test reads from the emulator to judge a run, through the same REST API a user
 * would use (the organization's batch list, VLANs, devices, switch ports), and the control API it
 * injects faults with. Reads wait out 429s and an API that is being restarted.
 */
import { EmulatorProcess } from "./processes";
import { WorldFacts } from "./program";

export interface BatchView {
  id: string;
  confirmed: boolean;
  synchronous: boolean;
  status: { completed: boolean; failed: boolean; errors?: string[] };
  actions: Array<{ resource: string; operation: string; body?: Record<string, unknown> }>;
}

/** Live fields per object key (`vlan/NET/ID`, `device/SERIAL`, `port/SERIAL/PORT`, `policy/NET/NAME`, `svi/SERIAL/VLAN`, `route/SERIAL/SUBNET`, `lag/NET/SERIAL/PORT`). */
export type LiveState = Record<string, Record<string, unknown>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class EmulatorApi {
  constructor(
    private readonly emu: EmulatorProcess,
    private readonly world: WorldFacts,
  ) {}

  /** A request that is retried while the API restarts (up to `patienceMs`) and after 429s. */
  private async call(method: string, path: string, body?: unknown, control = false, patienceMs = 60_000): Promise<{ status: number; body: any }> {
    const started = Date.now();
    let lastError = "";
    for (;;) {
      try {
        const res = await fetch(`${control ? this.emu.origin : this.emu.url}${path}`, {
          method,
          headers: { ...(control ? {} : { Authorization: `Bearer ${this.world.apiKey}` }), ...(body === undefined ? {} : { "Content-Type": "application/json" }), "User-Agent": "MerakiBatchChaos/0.1.0 MerakiBatch" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(15_000),
        });
        const text = await res.text();
        if (res.status === 429 || res.status >= 500) {
          lastError = `${res.status} ${text.slice(0, 200)}`;
          const after = Number(res.headers.get("retry-after"));
          await sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 300);
        } else {
          return { status: res.status, body: text ? JSON.parse(text) : null };
        }
      } catch (err) {
        lastError = String((err as Error).message ?? err);
        await sleep(150);
      }
      if (Date.now() - started > patienceMs) throw new Error(`${method} ${path}: no answer from the emulator within ${patienceMs} ms (${lastError})`);
    }
  }

  private async get(path: string): Promise<any> {
    const r = await this.call("GET", path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  batches(): Promise<BatchView[]> {
    return this.get(`/organizations/${this.world.organizationId}/actionBatches`);
  }

  /** The live fields of every VLAN of the network, every device's tags and the ports of the given switches. */
  async live(switches: string[]): Promise<LiveState> {
    const out: LiveState = {};
    const net = this.world.network;
    for (const v of (await this.get(`/networks/${net}/appliance/vlans`)) as Array<Record<string, unknown>>) out[`vlan/${net}/${v.id}`] = v;
    for (const d of (await this.get(`/organizations/${this.world.organizationId}/devices?perPage=1000`)) as Array<Record<string, unknown>>) out[`device/${d.serial}`] = d;
    for (const serial of switches) {
      for (const p of (await this.get(`/devices/${serial}/switch/ports`)) as Array<Record<string, unknown>>) out[`port/${serial}/${p.portId}`] = p;
      // Layer 3: an interface with its DHCP settings (as programs declare them), and the routes.
      for (const i of (await this.get(`/devices/${serial}/switch/routing/interfaces`)) as Array<Record<string, unknown>>) {
        out[`svi/${serial}/${i.vlanId}`] = { ...i, dhcp: await this.get(`/devices/${serial}/switch/routing/interfaces/${i.interfaceId}/dhcp`) };
      }
      for (const r of (await this.get(`/devices/${serial}/switch/routing/staticRoutes`)) as Array<Record<string, unknown>>) out[`route/${serial}/${r.subnet}`] = r;
    }
    for (const p of (await this.get(`/networks/${net}/switch/accessPolicies`)) as Array<Record<string, unknown>>) out[`policy/${net}/${p.name}`] = p;
    for (const a of (await this.get(`/networks/${net}/switch/linkAggregations`)) as Array<{ switchPorts: Array<{ serial: string; portId: string }> }>) {
      const first = a.switchPorts.map((m) => `${m.serial}/${m.portId}`).sort((x, y) => x.localeCompare(y, "en", { numeric: true }))[0];
      out[`lag/${net}/${first}`] = a as unknown as Record<string, unknown>;
    }
    return out;
  }

  async fault(spec: object): Promise<void> {
    const r = await this.call("POST", "/_emulator/faults", spec, true, 10_000);
    if (r.status >= 300) throw new Error(`POST /_emulator/faults ${JSON.stringify(spec)}: ${r.status} ${JSON.stringify(r.body)}`);
  }

  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/_emulator/faults", undefined, true);
  }

  /** The emulator's request log (since it started, or was last cleared): per request, the organization's running batches after it. */
  async requests(): Promise<Array<{ method: string; path: string; runningBatches: number }>> {
    const r = await this.call("GET", "/_emulator/requests", undefined, true, 10_000);
    return r.status === 200 ? r.body.requests : [];
  }

  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/_emulator/requests", undefined, true, 10_000);
  }

  /** Waits until no confirmed batch is still running (a killed run's asynchronous batch). */
  async settle(maxMs: number): Promise<BatchView[]> {
    const started = Date.now();
    for (;;) {
      const list = await this.batches();
      if (!list.some((b) => b.confirmed && !b.status.completed && !b.status.failed) || Date.now() - started > maxMs) return list;
      await sleep(200);
    }
  }
}

/**
 * Reads the live state a plan needs: one GET per collection (the organization's networks, its
 * devices, all VLANs of a network, all ports of a switch), never one per resource.
 */
import { DashboardClient } from "../dashboard/client";
import { DashboardApiError } from "../errors";
import { LiveDevice, LiveNeeds, LiveNetwork, LiveRecord, LiveSnapshot, VlanCollection, emptySnapshot } from "./snapshot";

/**
 * Collections already read, shared by the calls of one process (the Pulumi provider) or one run.
 * Entries are promises so concurrent readers of a collection share one request.
 */
export class LiveCache {
  private entries = new Map<string, { at: number; value: Promise<unknown> }>();

  /** Entries older than `ttlMs` are read again (default: kept until invalidated). */
  constructor(
    private readonly ttlMs = Infinity,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at <= this.ttlMs) return hit.value as Promise<T>;
    const value = load();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    // A failed read is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  invalidate(keys?: Iterable<string>): void {
    if (!keys) return this.entries.clear();
    for (const k of keys) this.entries.delete(k);
  }
}

export const collectionKeys = {
  networks: "networks",
  devices: "devices",
  vlans: (networkId: string) => `vlans:${networkId}`,
  ports: (serial: string) => `ports:${serial}`,
};

export async function readLive(client: DashboardClient, organizationId: string, needs: LiveNeeds, cache = new LiveCache()): Promise<LiveSnapshot> {
  const snapshot = emptySnapshot(organizationId);
  const org = encodeURIComponent(organizationId);
  const [networks, devices] = await Promise.all([
    needs.networks
      ? cache.get(collectionKeys.networks, async () => {
          const list = await client.getAll<LiveNetwork>(`/organizations/${org}/networks`);
          client.learn(organizationId, { networks: list.map((n) => n.id) });
          return Object.fromEntries(list.map((n) => [n.id, { id: n.id, name: n.name, productTypes: n.productTypes, isBoundToConfigTemplate: n.isBoundToConfigTemplate === true }]));
        })
      : null,
    needs.devices
      ? cache.get(collectionKeys.devices, async () => {
          const list = await client.getAll<LiveDevice>(`/organizations/${org}/devices`, { perPage: "1000" });
          client.learn(organizationId, { serials: list.map((d) => d.serial) });
          return Object.fromEntries(
            list.map((d) => [d.serial, { serial: d.serial, networkId: d.networkId ?? null, name: d.name ?? null, model: d.model, productType: d.productType ?? null, tags: d.tags ?? [] }]),
          );
        })
      : null,
  ]);
  snapshot.networks = networks;
  snapshot.devices = devices;

  const vlanReads = [...needs.vlanNetworks].map(async (networkId) => {
    snapshot.vlans[networkId] = await cache.get(collectionKeys.vlans(networkId), () => readVlans(client, networkId));
  });
  // Ports are read only for devices that are switches of this organization; the plan names the others.
  const serials = [...needs.portSerials].filter((s) => !devices || devices[s]?.productType === "switch");
  const portReads = serials.map(async (serial) => {
    snapshot.ports[serial] = await cache.get(collectionKeys.ports(serial), async () => {
      const list = await client.get<LiveRecord[]>(`/devices/${encodeURIComponent(serial)}/switch/ports`);
      return Object.fromEntries(list.map((p) => [String(p.portId), p]));
    });
  });
  await Promise.all([...vlanReads, ...portReads]);
  return snapshot;
}

async function readVlans(client: DashboardClient, networkId: string): Promise<VlanCollection> {
  try {
    const list = await client.get<LiveRecord[]>(`/networks/${encodeURIComponent(networkId)}/appliance/vlans`);
    return { state: "ok", vlans: Object.fromEntries(list.map((v) => [String(v.id), v])) };
  } catch (err) {
    if (err instanceof DashboardApiError && err.status === 400 && err.errors.some((e) => /VLANs are not enabled/i.test(e))) return { state: "disabled" };
    if (err instanceof DashboardApiError && err.status === 404) return { state: "missing" };
    throw err;
  }
}

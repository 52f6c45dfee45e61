/**
 * Reads the live state a plan needs: one GET per collection or page (the organization's networks,
 * its devices, all VLANs of a network, the ports of up to 50 switches), never one per resource,
 * and nothing the plan does not compare against.
 *
 * Switch ports have two sources (ARCHITECTURE §12). A switch whose needed port fields all lie in
 * the subset that the organization-wide `switch/ports/bySwitch` returns is read through it, 50
 * switches per request (its `serials[]` filter: exact serials, so each request is one page, and
 * the request names only switches the plan touches); any other switch is read per switch with
 * `GET /devices/{serial}/switch/ports`. The snapshot records which source served each switch so
 * that a field that was not read is never compared.
 */
import { DEFAULTS } from "../defaults";
import { DashboardClient } from "../dashboard/client";
import { DashboardApiError } from "../errors";
import {
  BY_SWITCH_PORT_FIELDS,
  LiveDevice,
  LiveNeeds,
  LiveNetwork,
  LiveRecord,
  LiveSnapshot,
  PortSource,
  VlanCollection,
  bySwitchCarries,
  emptySnapshot,
} from "./snapshot";

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
    const hit = this.peek<T>(key);
    if (hit) return hit;
    const value = load();
    const entry = { at: this.now(), value };
    this.entries.set(key, entry);
    // A failed read is not remembered.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  /** The entry if it is there and fresh; never reads. */
  peek<T>(key: string): Promise<T> | undefined {
    const hit = this.entries.get(key);
    return hit && this.now() - hit.at <= this.ttlMs ? (hit.value as Promise<T>) : undefined;
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
  /** A switch's ports read per switch (every field), with where they came from. */
  ports: (serial: string) => `ports:${serial}`,
  /** A switch's ports as bySwitch listed them (the subset), or null when it did not list the switch. */
  portsBySwitch: (serial: string) => `portsBySwitch:${serial}`,
  accessPolicies: (networkId: string) => `accessPolicies:${networkId}`,
  linkAggregations: (networkId: string) => `linkAggregations:${networkId}`,
  routingInterfaces: (serial: string) => `routingInterfaces:${serial}`,
  interfaceDhcp: (serial: string, interfaceId: string) => `interfaceDhcp:${serial}/${interfaceId}`,
  staticRoutes: (serial: string) => `staticRoutes:${serial}`,
};

/** A switch's ports and where they came from. */
interface SwitchRead {
  ports: Record<string, LiveRecord>;
  source: PortSource;
}

interface BySwitchItem {
  serial: string;
  network?: { id?: string } | null;
  ports?: LiveRecord[];
}

const byPortId = (list: LiveRecord[]) => Object.fromEntries(list.map((p) => [String(p.portId), p]));

/** Which switches are read organization-wide (bySwitch) and which per switch. */
export function portReadSources(needs: LiveNeeds): { orgWide: string[]; perSwitch: string[] } {
  const orgWide: string[] = [];
  const perSwitch: string[] = [];
  for (const serial of needs.portSerials) {
    const fields = needs.portFields.get(serial);
    (fields !== undefined && bySwitchCarries(fields) ? orgWide : perSwitch).push(serial);
  }
  return { orgWide, perSwitch };
}

/**
 * The requests readLive makes for these needs with nothing cached, when every switch asked for
 * exists: one per collection or page (`devices` is the organization's device count).
 */
export function readRequests(needs: LiveNeeds, devices: number): number {
  const { orgWide, perSwitch } = portReadSources(needs);
  const deviceList = needs.devices || perSwitch.length ? Math.max(1, Math.ceil(devices / DEFAULTS.devicesPerPage)) : 0;
  const campus = needs.accessPolicyNetworks.size + needs.linkAggregationNetworks.size + needs.interfaceSerials.size + needs.staticRouteSerials.size;
  return Number(needs.networks) + deviceList + needs.vlanNetworks.size + Math.ceil(orgWide.length / DEFAULTS.portsBySwitchPerPage) + perSwitch.length + campus;
}

export async function readLive(client: DashboardClient, organizationId: string, needs: LiveNeeds, cache = new LiveCache()): Promise<LiveSnapshot> {
  const snapshot = emptySnapshot(organizationId);
  snapshot.portSources = {};
  const org = encodeURIComponent(organizationId);
  const { orgWide, perSwitch } = portReadSources(needs);

  const readDevices = () =>
    cache.get(collectionKeys.devices, async () => {
      const list = await client.getAll<LiveDevice>(`/organizations/${org}/devices`, { perPage: String(DEFAULTS.devicesPerPage) });
      client.learn(organizationId, { serials: list.map((d) => d.serial) });
      return Object.fromEntries(
        list.map((d) => [
          d.serial,
          {
            serial: d.serial, networkId: d.networkId ?? null, name: d.name ?? null, model: d.model, productType: d.productType ?? null, tags: d.tags ?? [],
            address: d.address ?? null, notes: d.notes ?? null, lat: d.lat ?? null, lng: d.lng ?? null, lanIp: d.lanIp ?? null,
          },
        ]),
      );
    });

  const setPorts = (serial: string, read: SwitchRead) => {
    snapshot.ports[serial] = read.ports;
    snapshot.portSources![serial] = read.source;
  };
  const readPerSwitch = async (serial: string, found: Record<string, LiveDevice>) => {
    // Ports are read only for devices that are switches of this organization; the plan names the others.
    if (found[serial]?.productType !== "switch") return;
    const networkId = found[serial].networkId;
    setPorts(
      serial,
      await cache.get<SwitchRead>(collectionKeys.ports(serial), async () => ({
        ports: byPortId(await client.get<LiveRecord[]>(`/devices/${encodeURIComponent(serial)}/switch/ports`)),
        source: { endpoint: "switch", fields: null, networkId },
      })),
    );
  };

  const networks = needs.networks
    ? cache.get(collectionKeys.networks, async () => {
        const list = await client.getAll<LiveNetwork>(`/organizations/${org}/networks`);
        client.learn(organizationId, { networks: list.map((n) => n.id) });
        return Object.fromEntries(list.map((n) => [n.id, { id: n.id, name: n.name, productTypes: n.productTypes, isBoundToConfigTemplate: n.isBoundToConfigTemplate === true }]));
      })
    : null;
  // The device list also proves that a switch read per switch belongs to this organization
  // (GET /devices/{serial}/switch/ports would answer for another organization's switch too).
  const devices = needs.devices || perSwitch.length ? readDevices() : null;
  const vlanReads = [...needs.vlanNetworks].map(async (networkId) => {
    snapshot.vlans[networkId] = await cache.get(collectionKeys.vlans(networkId), () => readVlans(client, networkId));
  });
  // Every read at once; the per-switch reads wait only for the device list.
  const [networkList, deviceList, listed] = await Promise.all([
    networks,
    devices,
    readBySwitch(client, organizationId, orgWide, cache),
    devices?.then((found) => Promise.all(perSwitch.map((s) => readPerSwitch(s, found)))),
    ...vlanReads,
    readCampus(client, needs, snapshot, cache),
  ]);
  snapshot.networks = networkList;
  snapshot.devices = deviceList;

  const missing: string[] = [];
  for (const serial of orgWide) {
    const read = listed.get(serial);
    if (read) setPorts(serial, read);
    else missing.push(serial);
  }
  if (missing.length) {
    // bySwitch lists only this organization's switches: the device list says what the others are
    // (for the plan's message), and reads per switch any switch bySwitch did not list after all.
    snapshot.devices ??= await readDevices();
    await Promise.all(missing.map((s) => readPerSwitch(s, snapshot.devices!)));
  }
  return snapshot;
}

/**
 * The ports of these switches through bySwitch, 50 switches per request (pages followed), each
 * switch's result cached on its own. A switch already read in full is served from that read (a
 * superset). Returns serial → its ports, without the switches bySwitch did not list.
 */
async function readBySwitch(client: DashboardClient, organizationId: string, serials: string[], cache: LiveCache): Promise<Map<string, SwitchRead>> {
  const bySwitchKey = collectionKeys.portsBySwitch;
  const unread = serials.filter((s) => !cache.peek(collectionKeys.ports(s)) && !cache.peek(bySwitchKey(s)));
  // Cache entries are made before any await, so that concurrent plans (the Pulumi provider's
  // diffs) share these requests instead of asking for the same switch again.
  for (let i = 0; i < unread.length; i += DEFAULTS.portsBySwitchPerPage) {
    const chunk = unread.slice(i, i + DEFAULTS.portsBySwitchPerPage);
    const request = listBySwitch(client, organizationId, chunk);
    for (const s of chunk) void cache.get(bySwitchKey(s), () => request.then((m) => m.get(s) ?? null)).catch(() => undefined);
  }
  const reads = serials.map(
    (s) =>
      cache.peek<SwitchRead>(collectionKeys.ports(s)) ??
      cache.get<SwitchRead | null>(bySwitchKey(s), () => listBySwitch(client, organizationId, [s]).then((m) => m.get(s) ?? null)),
  );
  const out = new Map<string, SwitchRead>();
  (await Promise.all(reads)).forEach((read, i) => {
    if (read) out.set(serials[i], read);
  });
  return out;
}

async function listBySwitch(client: DashboardClient, organizationId: string, serials: string[]): Promise<Map<string, SwitchRead>> {
  const items = await client.getAll<BySwitchItem>(`/organizations/${encodeURIComponent(organizationId)}/switch/ports/bySwitch`, {
    perPage: String(DEFAULTS.portsBySwitchPerPage),
    serials,
  });
  client.learn(organizationId, { serials: items.map((i) => i.serial), networks: items.flatMap((i) => (i.network?.id ? [i.network.id] : [])) });
  return new Map(
    items.map((i) => [i.serial, { ports: byPortId(i.ports ?? []), source: { endpoint: "bySwitch", fields: BY_SWITCH_PORT_FIELDS, networkId: i.network?.id ?? null } }]),
  );
}

/**
 * Campus switching: one GET per network for its access policies and link aggregations, one per
 * switch for its layer 3 interfaces and static routes, and (no list endpoint exists) one per
 * interface whose DHCP settings the plan compares. A collection that does not exist (an unknown
 * network or a device that is not a switch answers 404; a network without switches 400) reads as
 * empty: the plan names the network or device that is wrong.
 */
async function readCampus(client: DashboardClient, needs: LiveNeeds, snapshot: LiveSnapshot, cache: LiveCache): Promise<void> {
  const list = (path: string) => client.get<LiveRecord[]>(path).catch(absentAsEmpty);
  const net = (id: string) => `/networks/${encodeURIComponent(id)}/switch`;
  const dev = (serial: string) => `/devices/${encodeURIComponent(serial)}/switch/routing`;
  const into = async (field: "accessPolicies" | "linkAggregations" | "routingInterfaces" | "staticRoutes", owner: string, key: string, path: string) => {
    const value = await cache.get(key, () => list(path));
    (snapshot[field] ??= {})[owner] = value;
    return value;
  };
  await Promise.all([
    ...[...needs.accessPolicyNetworks].map((n) => into("accessPolicies", n, collectionKeys.accessPolicies(n), `${net(n)}/accessPolicies`)),
    ...[...needs.linkAggregationNetworks].map((n) => into("linkAggregations", n, collectionKeys.linkAggregations(n), `${net(n)}/linkAggregations`)),
    ...[...needs.staticRouteSerials].map((s) => into("staticRoutes", s, collectionKeys.staticRoutes(s), `${dev(s)}/staticRoutes`)),
    ...[...new Set([...needs.interfaceSerials, ...needs.interfaceDhcp.keys()])].map(async (s) => {
      const interfaces = await into("routingInterfaces", s, collectionKeys.routingInterfaces(s), `${dev(s)}/interfaces`);
      const vlans = needs.interfaceDhcp.get(s);
      if (!vlans) return;
      await Promise.all(
        interfaces
          .filter((i) => vlans.has(Number(i.vlanId)))
          .map(async (i) => {
            const id = String(i.interfaceId);
            const dhcp = await cache.get(collectionKeys.interfaceDhcp(s, id), () => client.get<LiveRecord>(`${dev(s)}/interfaces/${encodeURIComponent(id)}/dhcp`));
            (snapshot.interfaceDhcp ??= {})[`${s}/${id}`] = dhcp;
          }),
      );
    }),
  ]);
}

function absentAsEmpty(err: unknown): LiveRecord[] {
  if (err instanceof DashboardApiError && (err.status === 404 || err.status === 400)) return [];
  throw err;
}

async function readVlans(client: DashboardClient, networkId: string): Promise<VlanCollection> {
  try {
    const list = await client.get<LiveRecord[]>(`/networks/${encodeURIComponent(networkId)}/appliance/vlans`);
    return { state: "ok", vlans: Object.fromEntries(list.map((v) => [String(v.id), v])) };
  } catch (err) {
    return unreadVlans(err);
  }
}

/**
 * What an error reading a network's VLANs says about them: "VLANs are not enabled" (400) means
 * disabled, 404 a network without an appliance; anything else is thrown again.
 */
export function unreadVlans(err: unknown): VlanCollection {
  if (err instanceof DashboardApiError && err.status === 400 && err.errors.some((e) => /VLANs are not enabled/i.test(e))) return { state: "disabled" };
  if (err instanceof DashboardApiError && err.status === 404) return { state: "missing" };
  throw err;
}

/**
 * The reads of an import: one request per collection, as a plan reads. The organization's
 * networks and devices (every page); per selected network with an appliance its VLAN settings
 * (`vlansEnabled`, which the program declares) and, when VLANs are enabled, its VLANs; per
 * selected network with switches its access policies and link aggregations; per selected switch
 * its ports, layer 3 interfaces and static routes, and each interface's DHCP settings (the one
 * collection without a list endpoint). Ports are read per switch, not through the organization-wide
 * bySwitch list that plans use when they can (provider/live/read.ts): an import needs every
 * field of every port, and bySwitch carries only a subset (reference §3.4).
 */
import { DEFAULTS } from "../defaults";
import { DashboardClient } from "../dashboard/client";
import { unreadVlans } from "../live/read";
import { LiveDevice, LiveNetwork, LiveRecord, LiveSnapshot, VlanCollection, emptySnapshot } from "../live/snapshot";
import { Scope, Selection, resolveScope } from "./scope";

export type ReadCollection = "networks" | "devices" | "vlans" | "ports" | "policies" | "aggregations" | "routing";

/** After each collection read: how many of its kind are done. */
export type ReadProgress = (e: { collection: ReadCollection; done: number; total: number }) => void;

const enc = encodeURIComponent;

export async function readForImport(client: DashboardClient, organizationId: string, selection: Selection, onProgress: ReadProgress = () => undefined): Promise<{ snapshot: LiveSnapshot; scope: Scope }> {
  const org = enc(organizationId);
  const [networkList, deviceList] = await Promise.all([
    client.getAll<LiveNetwork>(`/organizations/${org}/networks`).then((l) => (onProgress({ collection: "networks", done: 1, total: 1 }), l)),
    client.getAll<LiveDevice>(`/organizations/${org}/devices`, { perPage: String(DEFAULTS.devicesPerPage) }).then((l) => (onProgress({ collection: "devices", done: 1, total: 1 }), l)),
  ]);
  client.learn(organizationId, { networks: networkList.map((n) => n.id), serials: deviceList.map((d) => d.serial) });
  const snapshot = emptySnapshot(organizationId);
  snapshot.networks = Object.fromEntries(
    networkList.map((n) => [n.id, { id: n.id, name: n.name, productTypes: n.productTypes ?? [], isBoundToConfigTemplate: n.isBoundToConfigTemplate === true }]),
  );
  snapshot.devices = Object.fromEntries(
    deviceList.map((d) => [
      d.serial,
      {
        serial: d.serial, networkId: d.networkId ?? null, name: d.name ?? null, model: d.model, productType: d.productType ?? null, tags: d.tags ?? [],
        address: d.address ?? null, notes: d.notes ?? null, lat: d.lat ?? null, lng: d.lng ?? null, lanIp: d.lanIp ?? null,
      },
    ]),
  );
  const scope = resolveScope(organizationId, snapshot.networks, snapshot.devices, selection);

  snapshot.portSources = {};
  let vlansDone = 0;
  let portsDone = 0;
  const done = { policies: 0, aggregations: 0, routing: 0 };
  const each = <T>(collection: "policies" | "aggregations" | "routing", list: string[], read: (id: string) => Promise<T>) =>
    list.map(async (id) => {
      await read(id);
      onProgress({ collection, done: ++done[collection], total: list.length });
    });
  await Promise.all([
    ...scope.vlanNetworks.map(async (id) => {
      snapshot.vlans[id] = await readVlans(client, id);
      onProgress({ collection: "vlans", done: ++vlansDone, total: scope.vlanNetworks.length });
    }),
    ...scope.switches.map(async (serial) => {
      const list = await client.get<LiveRecord[]>(`/devices/${enc(serial)}/switch/ports`);
      snapshot.ports[serial] = Object.fromEntries(list.map((p) => [String(p.portId), p]));
      snapshot.portSources![serial] = { endpoint: "switch", fields: null, networkId: snapshot.devices![serial].networkId };
      onProgress({ collection: "ports", done: ++portsDone, total: scope.switches.length });
    }),
    ...each("policies", scope.policyNetworks, async (id) => {
      (snapshot.accessPolicies ??= {})[id] = await client.get<LiveRecord[]>(`/networks/${enc(id)}/switch/accessPolicies`);
    }),
    ...each("aggregations", scope.aggregationNetworks, async (id) => {
      (snapshot.linkAggregations ??= {})[id] = await client.get<LiveRecord[]>(`/networks/${enc(id)}/switch/linkAggregations`);
    }),
    // A switch's interfaces, their DHCP settings (no list endpoint: one read per interface), its routes.
    ...each("routing", scope.routingSwitches, async (serial) => {
      const base = `/devices/${enc(serial)}/switch/routing`;
      const [interfaces, routes] = await Promise.all([client.get<LiveRecord[]>(`${base}/interfaces`), client.get<LiveRecord[]>(`${base}/staticRoutes`)]);
      (snapshot.routingInterfaces ??= {})[serial] = interfaces;
      (snapshot.staticRoutes ??= {})[serial] = routes;
      await Promise.all(
        interfaces.map(async (i) => {
          (snapshot.interfaceDhcp ??= {})[`${serial}/${String(i.interfaceId)}`] = await client.get<LiveRecord>(`${base}/interfaces/${enc(String(i.interfaceId))}/dhcp`);
        }),
      );
    }),
  ]);
  return { snapshot, scope };
}

/**
 * The settings say whether VLANs are enabled (the program's VlansSettings) and so whether there
 * are VLANs to list. The list's "VLANs are not enabled" answer (what plans rely on) is honoured
 * too, should the two disagree.
 */
async function readVlans(client: DashboardClient, networkId: string): Promise<VlanCollection> {
  try {
    const settings = await client.get<{ vlansEnabled?: boolean }>(`/networks/${enc(networkId)}/appliance/vlans/settings`);
    if (settings.vlansEnabled === false) return { state: "disabled" };
    const list = await client.get<LiveRecord[]>(`/networks/${enc(networkId)}/appliance/vlans`);
    return { state: "ok", vlans: Object.fromEntries(list.map((v) => [String(v.id), v])) };
  } catch (err) {
    return unreadVlans(err);
  }
}

/** The live state a plan is made from: plain JSON, one entry per collection read. */
import { BY_SWITCH_PORT_FIELDS } from "../../lib/switch-port-fields";

export { BY_SWITCH_PORT_FIELDS };

export interface LiveNetwork {
  id: string;
  name: string;
  productTypes: string[];
  /** VLANs of a bound network take cidr/mask/templateVlanType; unknown when absent. */
  isBoundToConfigTemplate?: boolean;
}

export interface LiveDevice {
  serial: string;
  networkId: string | null;
  name: string | null;
  model: string;
  productType: string | null;
  tags: string[];
  /** The attributes a Device resource manages, and the management IP (an SVI must not take it). */
  address?: string | null;
  notes?: string | null;
  lat?: number | null;
  lng?: number | null;
  lanIp?: string | null;
}

export type LiveRecord = Record<string, unknown>;

/** A network's VLANs, or why there are none to read. */
export type VlanCollection =
  | { state: "ok"; vlans: Record<string, LiveRecord> }
  | { state: "disabled" }
  | { state: "missing" };

export interface LiveSnapshot {
  organizationId: string;
  /** The organization's networks; null when not read. */
  networks: Record<string, LiveNetwork> | null;
  /** The organization's devices; null when not read. */
  devices: Record<string, LiveDevice> | null;
  /** networkId → its VLANs */
  vlans: Record<string, VlanCollection>;
  /** serial → portId → port */
  ports: Record<string, Record<string, LiveRecord>>;
  /**
   * serial → how its ports were read, and so which of their fields are known. A switch without
   * an entry counts as read in full (a snapshot made by hand).
   */
  portSources?: Record<string, PortSource>;
  /**
   * Campus switching, read only when a resource of the kind is declared (absent otherwise):
   * networkId → its access policies / link aggregations; serial → its layer 3 interfaces / static
   * routes; `${serial}/${interfaceId}` → that interface's DHCP settings.
   */
  accessPolicies?: Record<string, LiveRecord[]>;
  linkAggregations?: Record<string, LiveRecord[]>;
  routingInterfaces?: Record<string, LiveRecord[]>;
  interfaceDhcp?: Record<string, LiveRecord>;
  staticRoutes?: Record<string, LiveRecord[]>;
}

/**
 * Where a switch's ports came from: `GET /devices/{serial}/switch/ports` (every field) or the
 * organization-wide `GET /organizations/{id}/switch/ports/bySwitch` (BY_SWITCH_PORT_FIELDS only).
 */
export interface PortSource {
  endpoint: "switch" | "bySwitch";
  /** The port fields the endpoint returns; null: all of them. */
  fields: readonly string[] | null;
  /** The switch's network, as the read that found the switch says (null when unknown). */
  networkId: string | null;
}

const BY_SWITCH_SET: ReadonlySet<string> = new Set(BY_SWITCH_PORT_FIELDS);

/** Whether the ports of `serial` were read with `field` (a field not read must never be compared). */
export function portFieldRead(live: LiveSnapshot, serial: string, field: string): boolean {
  const source = live.portSources?.[serial];
  if (!source || source.fields === null) return true;
  return source.fields.includes(field);
}

/** Whether bySwitch carries every one of these port fields. */
export function bySwitchCarries(fields: Iterable<string>): boolean {
  for (const f of fields) if (!BY_SWITCH_SET.has(f)) return false;
  return true;
}

/** Which collections a plan needs: one read each, whatever the number of resources. */
export interface LiveNeeds {
  networks: boolean;
  devices: boolean;
  vlanNetworks: Set<string>;
  portSerials: Set<string>;
  /**
   * serial → the port fields the plan compares or checks. It chooses the source: a switch whose
   * fields bySwitch all carries is read organization-wide, any other (or one without an entry)
   * per switch.
   */
  portFields: Map<string, Set<string>>;
  accessPolicyNetworks: Set<string>;
  linkAggregationNetworks: Set<string>;
  interfaceSerials: Set<string>;
  /**
   * serial → the VLANs whose interface's DHCP settings the plan compares. DHCP has no list
   * endpoint: each is one read (of an interface that exists), after the switch's interfaces.
   */
  interfaceDhcp: Map<string, Set<number>>;
  staticRouteSerials: Set<string>;
}

export function emptyNeeds(): LiveNeeds {
  return {
    networks: false,
    devices: false,
    vlanNetworks: new Set(),
    portSerials: new Set(),
    portFields: new Map(),
    accessPolicyNetworks: new Set(),
    linkAggregationNetworks: new Set(),
    interfaceSerials: new Set(),
    interfaceDhcp: new Map(),
    staticRouteSerials: new Set(),
  };
}

/** Adds a switch's ports, and the fields of them a resource needs, to the needs. */
export function needPorts(needs: LiveNeeds, serial: string, fields: Iterable<string>): void {
  needs.portSerials.add(serial);
  let set = needs.portFields.get(serial);
  if (!set) needs.portFields.set(serial, (set = new Set()));
  for (const f of fields) set.add(f);
}

export function emptySnapshot(organizationId: string): LiveSnapshot {
  return { organizationId, networks: null, devices: null, vlans: {}, ports: {} };
}

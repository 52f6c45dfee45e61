/** The live state a plan is made from: plain JSON, one entry per collection read. */

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
}

/** Which collections a plan needs: one read each, whatever the number of resources. */
export interface LiveNeeds {
  networks: boolean;
  devices: boolean;
  vlanNetworks: Set<string>;
  portSerials: Set<string>;
}

export function emptyNeeds(): LiveNeeds {
  return { networks: false, devices: false, vlanNetworks: new Set(), portSerials: new Set() };
}

export function emptySnapshot(organizationId: string): LiveSnapshot {
  return { organizationId, networks: null, devices: null, vlans: {}, ports: {} };
}

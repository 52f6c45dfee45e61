/**
 * The emulator's world: organizations and the resources that action batches act on.
 * Plain JSON data so that it can be persisted (`--state FILE`) and seeded from a file.
 */

export interface Organization {
  id: string;
  name: string;
  url: string;
}

export interface Network {
  id: string;
  organizationId: string;
  name: string;
  productTypes: string[];
  timeZone: string;
  tags: string[];
  notes: string;
  /** appliance/vlans/settings */
  vlansEnabled: boolean;
  /** Bound to a configuration template: its VLANs take `cidr`/`mask`/`templateVlanType`, not `subnet`/`applianceIp`. */
  isBoundToConfigTemplate?: boolean;
  configTemplateId?: string;
}

export interface Device {
  serial: string;
  networkId: string;
  name: string;
  model: string;
  mac: string;
  lanIp: string | null;
  firmware: string;
  productType: string;
  tags: string[];
  lat: number;
  lng: number;
  address: string;
  notes: string;
  floorPlanId: string | null;
}

/**
 * A switch port's configuration as stored; GET adds the read-only fields (capabilities from the
 * switch model, schedule, module, mirror…): see renderPort. Optional fields exist only while they
 * apply (the access-policy fields under their policy).
 */
export interface SwitchPort {
  portId: string;
  name: string | null;
  tags: string[];
  enabled: boolean;
  poeEnabled: boolean;
  type: string;
  vlan: number | null;
  voiceVlan: number | null;
  allowedVlans: string;
  isolationEnabled: boolean;
  rstpEnabled: boolean;
  stpGuard: string;
  stpPortFastTrunk: boolean;
  linkNegotiation: string;
  portScheduleId: string | null;
  udld: string;
  accessPolicyType: string;
  accessPolicyNumber?: number;
  macAllowList?: string[];
  macWhitelistLimit?: number;
  stickyMacAllowList?: string[];
  stickyMacAllowListLimit?: number;
  stormControlEnabled: boolean;
  adaptivePolicyGroupId: string | null;
  peerSgtCapable: boolean;
  flexibleStackingEnabled: boolean;
  daiTrusted: boolean;
  profile: { enabled: boolean; id: string; iname: string | null };
  dot3az: { enabled: boolean };
  highSpeed?: { enabled: boolean };
}

export interface DhcpOption {
  code: string;
  type: string;
  value: string;
}

export interface ReservedIpRange {
  start: string;
  end: string;
  comment: string;
}

/**
 * An appliance VLAN as stored (the id is a number in responses, as the real API returns it:
 * meraki/openapi#54). GET leaves out what the API does not return: see renderVlan.
 */
export interface Vlan {
  id: number;
  interfaceId: string;
  name: string;
  subnet: string;
  applianceIp: string;
  groupPolicyId?: string;
  templateVlanType?: string;
  cidr?: string;
  mask?: number;
  fixedIpAssignments: Record<string, { ip: string; name: string }>;
  reservedIpRanges: ReservedIpRange[];
  dnsNameservers: string;
  dhcpHandling: string;
  dhcpRelayServerIps?: string[];
  dhcpLeaseTime: string;
  dhcpBootOptionsEnabled: boolean;
  dhcpBootNextServer: string | null;
  dhcpBootFilename: string | null;
  dhcpOptions: DhcpOption[];
  vpnNatSubnet?: string;
  mandatoryDhcp: { enabled: boolean };
  /** Prefix assignments keep `disabled` (required on write, TFP#121), which GET leaves out. */
  ipv6: { enabled: boolean; prefixAssignments?: Array<Record<string, unknown>> };
  sgt?: Record<string, unknown>;
  vrf?: Record<string, unknown>;
  uplinks?: unknown[];
}

/** A RADIUS (or accounting) server of an access policy; the secret is write-only (GET leaves it out). */
export interface RadiusServer {
  host: string;
  port: number;
  secret: string;
}

/**
 * A switch access policy (/networks/{networkId}/switch/accessPolicies/{accessPolicyNumber}), as
 * stored. Numbered per network; GET renders it without the RADIUS secrets.
 */
export interface AccessPolicy {
  accessPolicyNumber: string;
  name: string;
  radiusServers: RadiusServer[];
  radius: {
    criticalAuth: { dataVlanId: number | null; voiceVlanId: number | null; suspendPortBounce: boolean };
    failedAuthVlanId: number | null;
    reAuthenticationInterval: number | null;
  };
  guestPortBouncing: boolean;
  radiusTestingEnabled: boolean;
  radiusCoaSupportEnabled: boolean;
  radiusAccountingEnabled: boolean;
  radiusAccountingServers: RadiusServer[];
  radiusGroupAttribute: string;
  hostMode: string;
  accessPolicyType: string;
  increaseAccessSpeed: boolean;
  guestVlanId: number | null;
  dot1x: { controlDirection: string };
  voiceVlanClients: boolean;
  urlRedirectWalledGardenEnabled: boolean;
  urlRedirectWalledGardenRanges: string[];
}

/** A link aggregation group (/networks/{networkId}/switch/linkAggregations/{id}): 2-8 switch ports of the network. */
export interface LinkAggregation {
  id: string;
  switchPorts: Array<{ serial: string; portId: string }>;
}

export interface OspfSettings {
  area: string;
  cost: number;
  isPassiveEnabled: boolean;
}

/** A layer 3 interface's DHCP settings (/devices/{serial}/switch/routing/interfaces/{id}/dhcp). */
export interface InterfaceDhcp {
  dhcpMode: string;
  dhcpRelayServerIps?: string[];
  dhcpLeaseTime: string;
  dnsNameserversOption: string;
  dnsCustomNameservers: string[];
  bootOptionsEnabled: boolean;
  bootNextServer: string | null;
  bootFileName: string | null;
  dhcpOptions: DhcpOption[];
  reservedIpRanges: Array<{ start: string; end: string; comment?: string }>;
  fixedIpAssignments: Array<{ name: string; mac: string; ip: string }>;
}

/** A switch's layer 3 interface (SVI) with its DHCP settings. */
export interface RoutingInterface {
  interfaceId: string;
  name: string;
  subnet: string;
  interfaceIp: string;
  multicastRouting: string;
  vlanId: number;
  defaultGateway: string | null;
  ospfSettings: OspfSettings;
  ospfV3: OspfSettings;
  ipv6?: { assignmentMode: string; prefix: string; address?: string; gateway?: string };
  dhcp: InterfaceDhcp;
}

/** A switch's layer 3 static route. */
export interface StaticRoute {
  staticRouteId: string;
  name: string | null;
  subnet: string;
  nextHopIp: string;
  advertiseViaOspfEnabled: boolean;
  preferOverOspfRoutesEnabled: boolean;
}

export interface BatchAction {
  resource: string;
  operation: string;
  body: Record<string, unknown>;
}

export interface BatchStatus {
  completed: boolean;
  failed: boolean;
  errors: string[];
  createdResources: { id: string; uri: string }[];
}

export interface ActionBatch {
  id: string;
  organizationId: string;
  confirmed: boolean;
  synchronous: boolean;
  status: BatchStatus;
  actions: BatchAction[];
  callback?: { id: string; url?: string; sharedSecret?: string; httpServerId?: string; status: string };
  /** Emulator clock (ms) at creation; unconfirmed batches vanish 7 days later. */
  createdAt: number;
  /** Emulator clock (ms) at which a confirmed asynchronous batch is due to run. */
  dueAt?: number;
}

export interface ApiKey {
  key: string;
  organizationIds: string[];
}

export interface OrgState {
  organization: Organization;
  networks: Record<string, Network>;
  devices: Record<string, Device>;
  /** serial → ports in port order */
  switchPorts: Record<string, SwitchPort[]>;
  /** networkId → vlanId → VLAN */
  vlans: Record<string, Record<string, Vlan>>;
  batches: Record<string, ActionBatch>;
  /**
   * serial → emulator clock (ms) of the last write that changed one of the switch's ports, for
   * bySwitch's `configurationUpdatedAfter`. A switch without an entry has not changed since seeding.
   * Optional so that worlds saved before it existed still load.
   */
  portsConfiguredAt?: Record<string, number>;
  /**
   * serial → emulator clock (ms) of the last write that changed the device (its name, tags, notes,
   * place…) or one of its switch ports, for the device list's `configurationUpdatedAfter`. Optional,
   * as above.
   */
  devicesConfiguredAt?: Record<string, number>;
  /**
   * Campus switching (optional, so that worlds saved before they existed still load):
   * networkId → accessPolicyNumber → policy; networkId → id → link aggregation;
   * serial → interfaceId → layer 3 interface; serial → staticRouteId → static route.
   */
  accessPolicies?: Record<string, Record<string, AccessPolicy>>;
  linkAggregations?: Record<string, Record<string, LinkAggregation>>;
  routingInterfaces?: Record<string, Record<string, RoutingInterface>>;
  staticRoutes?: Record<string, Record<string, StaticRoute>>;
}

export interface World {
  apiKeys: ApiKey[];
  organizations: Record<string, OrgState>;
  /** Counter for generated ids (batches, interfaces). */
  nextId: number;
}

export function isSwitch(device: Device): boolean {
  return device.productType === "switch";
}

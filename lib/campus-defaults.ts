/**
 * What a new access policy, layer 3 interface and static route hold besides what their create
 * gave. The reference lists no defaults but dot1x's "Defaults to 'both'" and OSPF's "Defaults to
 * 'disabled'" and cost 1 (SPEC142); the rest are the emulator's choices (docs/emulator.md), which
 * the emulator creates objects with. `meraki-batch import` leaves fields at these values out of the
 * program it writes.
 */
export const ACCESS_POLICY_DEFAULTS = {
  radius: { criticalAuth: { dataVlanId: null as number | null, voiceVlanId: null as number | null, suspendPortBounce: false }, failedAuthVlanId: null as number | null, reAuthenticationInterval: null as number | null },
  guestPortBouncing: false,
  radiusTestingEnabled: false,
  radiusCoaSupportEnabled: false,
  radiusAccountingEnabled: false,
  radiusAccountingServers: [] as Array<{ host: string; port: number }>,
  radiusGroupAttribute: "",
  accessPolicyType: "802.1x",
  increaseAccessSpeed: false,
  guestVlanId: null as number | null,
  dot1x: { controlDirection: "both" },
  voiceVlanClients: false,
  urlRedirectWalledGardenEnabled: false,
  urlRedirectWalledGardenRanges: [] as string[],
};

export const OSPF_DEFAULTS = { area: "disabled", cost: 1, isPassiveEnabled: false };

/** A new interface's DHCP settings: off, the other values as the Dashboard preselects them. */
export const INTERFACE_DHCP_DEFAULTS = {
  dhcpMode: "dhcpDisabled",
  dhcpLeaseTime: "1 day",
  dnsNameserversOption: "googlePublicDns",
  dnsCustomNameservers: [] as string[],
  bootOptionsEnabled: false,
  bootNextServer: null as string | null,
  bootFileName: null as string | null,
  dhcpOptions: [] as Array<{ code: string; type: string; value: string }>,
  reservedIpRanges: [] as Array<{ start: string; end: string; comment?: string }>,
  fixedIpAssignments: [] as Array<{ name: string; mac: string; ip: string }>,
};

export const INTERFACE_DEFAULTS = {
  multicastRouting: "disabled",
  ospfSettings: OSPF_DEFAULTS,
  ospfV3: OSPF_DEFAULTS,
  dhcp: INTERFACE_DHCP_DEFAULTS,
};

export const STATIC_ROUTE_DEFAULTS = { advertiseViaOspfEnabled: false, preferOverOspfRoutesEnabled: false };

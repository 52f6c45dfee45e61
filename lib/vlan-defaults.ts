/**
 * What a new appliance VLAN holds besides what its create gave: the values the Dashboard fills in
 * for a VLAN created with only id, name, subnet and applianceIp (a DHCP server with a one-day
 * lease and upstream DNS, nothing reserved or fixed, no boot options, no IPv6). The reference
 * lists no defaults; these are the emulator's (emulator/resources/vlans.ts), and a test checks
 * that the emulator creates VLANs with exactly these. `meraki-batch import` leaves fields at these
 * values out of the program it writes.
 */
export const VLAN_DEFAULTS = {
  fixedIpAssignments: {} as Record<string, { ip: string; name: string }>,
  reservedIpRanges: [] as Array<{ start: string; end: string; comment: string }>,
  dnsNameservers: "upstream_dns",
  dhcpHandling: "Run a DHCP server",
  dhcpLeaseTime: "1 day",
  dhcpBootOptionsEnabled: false,
  dhcpBootNextServer: null as string | null,
  dhcpBootFilename: null as string | null,
  dhcpOptions: [] as Array<{ code: string; type: string; value: string }>,
  mandatoryDhcp: { enabled: false },
  ipv6: { enabled: false },
};

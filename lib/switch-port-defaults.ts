/**
 * What an untouched Meraki MS switch port looks like: the writable fields of a factory-default
 * port. The emulator seeds its switches with it; the engine resets ports to it (onDelete: reset).
 */
export const SWITCH_PORT_DEFAULTS = {
  name: null as string | null,
  tags: [] as string[],
  enabled: true,
  poeEnabled: true,
  type: "access",
  vlan: 1 as number | null,
  voiceVlan: null as number | null,
  allowedVlans: "1-1000",
  isolationEnabled: false,
  rstpEnabled: true,
  stpGuard: "disabled",
  stpPortFastTrunk: false,
  linkNegotiation: "Auto negotiate",
  portScheduleId: null as string | null,
  udld: "Alert only",
  accessPolicyType: "Open",
  stormControlEnabled: false,
  adaptivePolicyGroupId: null as string | null,
  peerSgtCapable: false,
  flexibleStackingEnabled: false,
  daiTrusted: false,
  profile: { enabled: false, id: "", iname: null as string | null },
  dot3az: { enabled: false },
};

/** A fresh copy (the nested objects are not shared). */
export function switchPortDefaults(): typeof SWITCH_PORT_DEFAULTS {
  return JSON.parse(JSON.stringify(SWITCH_PORT_DEFAULTS));
}

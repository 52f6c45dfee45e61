/**
 * The port fields that `GET /organizations/{organizationId}/switch/ports/bySwitch` returns: a
 * subset of `GET /devices/{serial}/switch/ports` (spec v1.42, reference §3.4). The emulator
 * answers with exactly these; the engine reads a switch through it only when every field it
 * compares is among them.
 */
export const BY_SWITCH_PORT_FIELDS = [
  "portId",
  "name",
  "tags",
  "enabled",
  "poeEnabled",
  "type",
  "vlan",
  "voiceVlan",
  "allowedVlans",
  "rstpEnabled",
  "stpGuard",
  "linkNegotiation",
  "accessPolicyType",
  "stickyMacAllowList",
  "stickyMacAllowListLimit",
] as const;

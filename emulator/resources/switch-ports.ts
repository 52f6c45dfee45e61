/**
 * Switch ports (/devices/{serial}/switch/ports/{portId}): singletons that always exist and are
 * only ever updated. Validation follows reference §3.2: types and enums, access/trunk rules,
 * allowedVlans syntax and the access-policy fields.
 */
import { switchPortDefaults } from "../../lib/switch-port-defaults";
import { parseVlanList } from "../../lib/vlan-list";
import { ApiError, notFound } from "../errors";
import { Device, SwitchPort, isSwitch } from "../model";
import { Body, Rule, asInteger, checkFields, isMac, oneOfMessage, parseTags } from "../validate";
import { ExecContext, OpResult } from "./context";

export const PORT_TYPES = ["access", "trunk", "stack", "routed", "svl", "dad"] as const;
export const STP_GUARDS = ["disabled", "root guard", "bpdu guard", "loop guard"] as const;
export const UDLD_MODES = ["Alert only", "Enforce"] as const;
export const ACCESS_POLICY_TYPES = ["Open", "Custom access policy", "MAC allow list", "Sticky MAC allow list"] as const;
export const LINK_NEGOTIATION_CAPABILITIES = [
  "Auto negotiate",
  "1 Gigabit full duplex (forced)",
  "100 Megabit (auto)",
  "100 Megabit half duplex (forced)",
  "100 Megabit full duplex (forced)",
  "10 Megabit (auto)",
  "10 Megabit half duplex (forced)",
  "10 Megabit full duplex (forced)",
];

const RULES: Record<string, Rule> = {
  name: { type: "string", nullable: true },
  enabled: { type: "boolean" },
  poeEnabled: { type: "boolean" },
  type: { type: "string", oneOf: PORT_TYPES },
  vlan: { type: "integer", nullable: true, min: 1, max: 4094 },
  voiceVlan: { type: "integer", nullable: true, min: 1, max: 4094 },
  allowedVlans: { type: "string" },
  isolationEnabled: { type: "boolean" },
  rstpEnabled: { type: "boolean" },
  stpGuard: { type: "string", oneOf: STP_GUARDS },
  stpPortFastTrunk: { type: "boolean" },
  linkNegotiation: { type: "string" },
  portScheduleId: { type: "string", nullable: true },
  udld: { type: "string", oneOf: UDLD_MODES },
  accessPolicyType: { type: "string", oneOf: ACCESS_POLICY_TYPES },
  accessPolicyNumber: { type: "integer", min: 1 },
  macAllowList: { type: "stringArray" },
  macWhitelistLimit: { type: "integer", min: 1 },
  stickyMacAllowList: { type: "stringArray" },
  stickyMacAllowListLimit: { type: "integer", min: 1 },
  stormControlEnabled: { type: "boolean" },
  adaptivePolicyGroupId: { type: "string", nullable: true },
  peerSgtCapable: { type: "boolean" },
  flexibleStackingEnabled: { type: "boolean" },
  daiTrusted: { type: "boolean" },
  profile: { type: "object" },
  dot3az: { type: "object" },
  highSpeed: { type: "object" },
};

/** Fields that only mean something on an access port (reference §3.2). */
const ACCESS_ONLY = ["voiceVlan", "accessPolicyType", "accessPolicyNumber", "macAllowList", "macWhitelistLimit", "stickyMacAllowList", "stickyMacAllowListLimit"];
/** Fields that only mean something on a trunk port. */
const TRUNK_ONLY = ["allowedVlans", "peerSgtCapable", "stpPortFastTrunk"];

/** v0 names of the allow-list fields, accepted on the legacy `/switchPorts/{number}` resource. */
const LEGACY_RENAMES: Record<string, string> = {
  macWhitelist: "macAllowList",
  stickyMacWhitelist: "stickyMacAllowList",
  stickyMacWhitelistLimit: "stickyMacAllowListLimit",
};

export function defaultPort(portId: string): SwitchPort {
  return {
    portId,
    ...switchPortDefaults(),
    linkNegotiationCapabilities: [...LINK_NEGOTIATION_CAPABILITIES],
    mirror: { mode: "Not mirroring traffic" },
    module: { model: null },
  };
}

export function findSwitch(ctx: ExecContext, serial: string): Device {
  const device = ctx.org.devices[serial];
  if (!device || !isSwitch(device) || !ctx.org.switchPorts[serial]) throw notFound();
  return device;
}

function findPortIndex(ctx: ExecContext, serial: string, portId: string): number {
  findSwitch(ctx, serial);
  const index = ctx.org.switchPorts[serial].findIndex((p) => p.portId === portId);
  if (index < 0) throw notFound(`Port ${portId} not found on switch ${serial}`);
  return index;
}

export function listPorts(ctx: ExecContext, serial: string): SwitchPort[] {
  findSwitch(ctx, serial);
  return ctx.org.switchPorts[serial];
}

export function getPort(ctx: ExecContext, serial: string, portId: string): SwitchPort {
  return ctx.org.switchPorts[serial][findPortIndex(ctx, serial, portId)];
}

function checkNested(body: Body): string[] {
  const problems: string[] = [];
  const flags: Array<[string, string[]]> = [["dot3az", ["enabled"]], ["highSpeed", ["enabled"]], ["profile", ["enabled"]]];
  for (const [field, keys] of flags) {
    const value = body[field] as Body | undefined;
    if (!value || typeof value !== "object") continue;
    for (const k of keys) if (value[k] !== undefined && typeof value[k] !== "boolean") problems.push(`'${field}.${k}' must be a boolean`);
  }
  const profile = body.profile as Body | undefined;
  if (profile && typeof profile === "object") {
    for (const k of ["id", "iname"]) if (profile[k] !== undefined && profile[k] !== null && typeof profile[k] !== "string") problems.push(`'profile.${k}' must be a string`);
  }
  return problems;
}

/** PUT /devices/{serial}/switch/ports/{portId}; `legacy` is the v0 `/switchPorts/{number}` form. */
export function updatePort(ctx: ExecContext, serial: string, portId: string, input: Body, legacy: boolean): OpResult {
  const index = findPortIndex(ctx, serial, portId);
  const current = ctx.org.switchPorts[serial][index];
  const body: Body = { ...input };
  if (legacy) {
    for (const [old, now] of Object.entries(LEGACY_RENAMES)) {
      if (body[old] !== undefined && body[now] === undefined) body[now] = body[old];
      delete body[old];
    }
  }
  const problems = [...checkFields(body, RULES), ...checkNested(body)];
  let tags: string[] | undefined;
  if (body.tags !== undefined) {
    const parsed = parseTags("tags", body.tags, legacy);
    if (parsed.error) problems.push(parsed.error);
    tags = parsed.tags;
  }
  if (problems.length) throw new ApiError(400, problems);

  const type = (body.type as string | undefined) ?? current.type;
  if (type !== "access") {
    for (const f of ACCESS_ONLY) {
      if (body[f] === undefined || body[f] === null) continue;
      if (f === "accessPolicyType" && body[f] === "Open") continue;
      problems.push(`'${f}' can only be set on access ports`);
    }
  }
  if (type !== "trunk") {
    for (const f of TRUNK_ONLY) {
      if (body[f] === undefined || body[f] === false) continue;
      problems.push(`'${f}' can only be set on trunk ports`);
    }
  }
  if (typeof body.allowedVlans === "string") {
    const parsed = parseVlanList(body.allowedVlans);
    if (!parsed.ok) problems.push(`'allowedVlans' ${parsed.error}`);
  }
  if (typeof body.linkNegotiation === "string" && !current.linkNegotiationCapabilities.includes(body.linkNegotiation)) {
    problems.push(oneOfMessage("linkNegotiation", current.linkNegotiationCapabilities));
  }
  if (body.adaptivePolicyGroupId) problems.push(`Adaptive policy group '${String(body.adaptivePolicyGroupId)}' does not exist`);
  if (problems.length) throw new ApiError(400, problems);

  const next: SwitchPort = { ...current };
  const assign = (key: string, value: unknown) => {
    if (value !== undefined) (next as unknown as Body)[key] = value;
  };
  for (const key of ["name", "enabled", "poeEnabled", "type", "allowedVlans", "isolationEnabled", "rstpEnabled", "stpGuard", "stpPortFastTrunk", "linkNegotiation", "portScheduleId", "udld", "accessPolicyType", "stormControlEnabled", "adaptivePolicyGroupId", "peerSgtCapable", "flexibleStackingEnabled", "daiTrusted"]) {
    assign(key, body[key]);
  }
  for (const key of ["vlan", "voiceVlan"]) if (body[key] !== undefined) (next as unknown as Body)[key] = asInteger(body[key]);
  if (tags) next.tags = tags;
  if (body.profile) next.profile = { ...next.profile, ...(body.profile as SwitchPort["profile"]) };
  if (body.dot3az) next.dot3az = { enabled: ((body.dot3az as Body).enabled as boolean) ?? next.dot3az.enabled };
  if (body.highSpeed) next.highSpeed = { enabled: ((body.highSpeed as Body).enabled as boolean) ?? next.highSpeed?.enabled ?? false };
  if (type === "trunk") next.voiceVlan = null;

  problems.push(...applyAccessPolicy(next, body));
  if (next.type === "access" && next.vlan === null) problems.push("'vlan' is required for access ports");
  if (next.type === "access" && next.voiceVlan !== null && next.voiceVlan === next.vlan) {
    problems.push("'voiceVlan' must be different from 'vlan'");
  }
  if (problems.length) throw new ApiError(400, problems);
  ctx.journal.setAt(ctx.org.switchPorts[serial], index, next);
  return {};
}

/** Applies the access-policy fields; fields that no longer apply are dropped from the port. */
function applyAccessPolicy(next: SwitchPort, body: Body): string[] {
  const problems: string[] = [];
  const policy = next.type === "access" ? next.accessPolicyType : "Open";
  next.accessPolicyType = policy;
  if (body.accessPolicyNumber !== undefined) next.accessPolicyNumber = asInteger(body.accessPolicyNumber) as number;
  if (body.macAllowList !== undefined) next.macAllowList = body.macAllowList as string[];
  if (body.stickyMacAllowList !== undefined) next.stickyMacAllowList = body.stickyMacAllowList as string[];
  if (body.stickyMacAllowListLimit !== undefined) next.stickyMacAllowListLimit = asInteger(body.stickyMacAllowListLimit) as number;

  const given = (f: string) => body[f] !== undefined;
  if (policy !== "Custom access policy") {
    if (given("accessPolicyNumber")) problems.push("'accessPolicyNumber' can only be set with a 'Custom access policy'");
    delete next.accessPolicyNumber;
  } else if (next.accessPolicyNumber === undefined) {
    problems.push("'accessPolicyNumber' is required with a 'Custom access policy'");
  }
  if (policy !== "MAC allow list") {
    for (const f of ["macAllowList", "macWhitelistLimit"]) if (given(f)) problems.push(`'${f}' can only be set with a 'MAC allow list' access policy`);
    delete next.macAllowList;
  } else {
    const list = next.macAllowList ?? [];
    if (list.length === 0) problems.push("'macAllowList' is required with a 'MAC allow list' access policy");
    if (list.length > 20) problems.push("'macAllowList' can have at most 20 MAC addresses");
    const bad = list.find((m) => !isMac(m));
    if (bad !== undefined) problems.push(`'macAllowList' has an invalid MAC address '${bad}'`);
  }
  if (policy !== "Sticky MAC allow list") {
    for (const f of ["stickyMacAllowList", "stickyMacAllowListLimit"]) if (given(f)) problems.push(`'${f}' can only be set with a 'Sticky MAC allow list' access policy`);
    delete next.stickyMacAllowList;
    delete next.stickyMacAllowListLimit;
  } else {
    next.stickyMacAllowList ??= [];
    next.stickyMacAllowListLimit ??= 1;
    const bad = next.stickyMacAllowList.find((m) => !isMac(m));
    if (bad !== undefined) problems.push(`'stickyMacAllowList' has an invalid MAC address '${bad}'`);
    if (next.stickyMacAllowList.length > next.stickyMacAllowListLimit) {
      problems.push(`'stickyMacAllowList' has more entries than 'stickyMacAllowListLimit' (${next.stickyMacAllowListLimit})`);
    }
  }
  return problems;
}

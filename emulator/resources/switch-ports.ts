/**
 * Switch ports (/devices/{serial}/switch/ports/{portId}): singletons that always exist and are
 * only ever updated (or cycled). Validation follows reference §3.2 and docs/emulator.md
 * ("Validation rules and their sources"): types and enums, access/trunk rules, allowedVlans
 * syntax, the access-policy fields and the link speeds of the port's model.
 */
import { switchPortDefaults } from "../../lib/switch-port-defaults";
import { parseVlanList } from "../../lib/vlan-list";
import { ApiError, badRequest, notFound } from "../errors";
import { Device, SwitchPort, isSwitch } from "../model";
import { Body, Rule, asInteger, checkFields, isMac, oneOfMessage, parseTags } from "../validate";
import { hasAccessPolicy } from "./access-policies";
import { ExecContext, OpResult } from "./context";
import { capabilities } from "./switch-models";

export const PORT_TYPES = ["access", "trunk", "stack", "routed", "svl", "dad"] as const;
export const STP_GUARDS = ["disabled", "root guard", "bpdu guard", "loop guard"] as const;
export const UDLD_MODES = ["Alert only", "Enforce"] as const;
export const ACCESS_POLICY_TYPES = ["Open", "Custom access policy", "MAC allow list", "Sticky MAC allow list"] as const;

/** The API's words for a value that is not a link speed at all (ansible-meraki#235). */
export const LINK_NEGOTIATION_FORMAT =
  'linkNegotiation must be in one of three formats... full negotiation:  "Auto negotiate",  duplex negotiation only: "100 Megabit (auto)", no negotiation: "100 Megabit full duplex (forced)"';
const LINK_SPEED = /^(Auto negotiate|\d+(\.\d+)? (Megabit|Gigabit)( (full|half) duplex)? \((auto|forced)\))$/;

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

/** "Only applicable to access ports" and the policy fields that need an access port (SPEC142 field descriptions). */
const ACCESS_ONLY = ["voiceVlan", "accessPolicyType", "accessPolicyNumber", "macAllowList", "macWhitelistLimit", "stickyMacAllowList", "stickyMacAllowListLimit"];
/** "Only applicable to trunk ports" (allowedVlans) and "Applicable to trunk port only" (peerSgtCapable), SPEC142. */
const TRUNK_ONLY = ["allowedVlans", "peerSgtCapable"];

/** v0 names of the allow-list fields, accepted on the legacy `/switchPorts/{number}` resource. */
const LEGACY_RENAMES: Record<string, string> = {
  macWhitelist: "macAllowList",
  stickyMacWhitelist: "stickyMacAllowList",
  stickyMacWhitelistLimit: "stickyMacAllowListLimit",
};

/** A factory-default port (configuration only; GET adds the read-only fields). */
export function defaultPort(portId: string): SwitchPort {
  return { portId, ...switchPortDefaults(), highSpeed: { enabled: false } };
}

/**
 * A port as GET returns it: the fields of SPEC142's getDeviceSwitchPort in its order, then the
 * newer ones (stpPortFastTrunk, schedule, macWhitelistLimit, adaptivePolicyGroup, module, mirror,
 * dot3az, highSpeed, stackwiseVirtual: the cisco.meraki collection's devices_switch_ports_info
 * samples and GOSDK 2025). Capabilities come from the switch model.
 */
export function renderPort(device: Device, p: SwitchPort): Body {
  const out: Body = {
    portId: p.portId,
    name: p.name,
    tags: p.tags,
    enabled: p.enabled,
    poeEnabled: p.poeEnabled,
    type: p.type,
    vlan: p.vlan,
    voiceVlan: p.voiceVlan,
    allowedVlans: p.allowedVlans,
    isolationEnabled: p.isolationEnabled,
    rstpEnabled: p.rstpEnabled,
    stpGuard: p.stpGuard,
    stpPortFastTrunk: p.stpPortFastTrunk,
    linkNegotiation: p.linkNegotiation,
    linkNegotiationCapabilities: capabilities(device.model, p.portId),
    portScheduleId: p.portScheduleId,
    // The emulator has no port schedules: the schedule is named by its id.
    schedule: p.portScheduleId === null ? null : { id: p.portScheduleId, name: p.portScheduleId },
    udld: p.udld,
    accessPolicyType: p.accessPolicyType,
  };
  const optional: Array<keyof SwitchPort> = ["accessPolicyNumber", "macAllowList", "macWhitelistLimit", "stickyMacAllowList", "stickyMacAllowListLimit"];
  for (const k of optional) if (p[k] !== undefined) out[k] = p[k];
  Object.assign(out, {
    stormControlEnabled: p.stormControlEnabled,
    adaptivePolicyGroupId: p.adaptivePolicyGroupId,
    // Only null ids are accepted (the emulator has no adaptive policy groups).
    adaptivePolicyGroup: null,
    peerSgtCapable: p.peerSgtCapable,
    flexibleStackingEnabled: p.flexibleStackingEnabled,
    daiTrusted: p.daiTrusted,
    profile: p.profile,
    module: { model: null },
    mirror: { mode: "Not mirroring traffic" },
    dot3az: p.dot3az,
    highSpeed: p.highSpeed ?? { enabled: false },
    stackwiseVirtual: { isStackWiseVirtualLink: false, isDualActiveDetector: false },
  });
  return out;
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

export function listPorts(ctx: ExecContext, serial: string): Body[] {
  const device = findSwitch(ctx, serial);
  return ctx.org.switchPorts[serial].map((p) => renderPort(device, p));
}

export function getPort(ctx: ExecContext, serial: string, portId: string): Body {
  const index = findPortIndex(ctx, serial, portId);
  return renderPort(ctx.org.devices[serial], ctx.org.switchPorts[serial][index]);
}

/**
 * The port ids a cycle entry names: one id ("1", "1_MA-MOD-8X10G_1") or an ascending range of two
 * ids joined by "-" ("2-5", "1_MA-MOD-8X10G_2-1_MA-MOD-8X10G_8"; SPEC142 cycleDeviceSwitchPorts).
 * Module names contain "-" too, so every split is tried against the switch's real ids.
 */
function cycleEntry(entry: string, ids: string[]): string[] | undefined {
  if (ids.includes(entry)) return [entry];
  for (let i = entry.indexOf("-"); i > 0; i = entry.indexOf("-", i + 1)) {
    const from = ids.indexOf(entry.slice(0, i));
    const to = ids.indexOf(entry.slice(i + 1));
    if (from >= 0 && to >= from) return ids.slice(from, to + 1);
  }
  return undefined;
}

/**
 * POST /devices/{serial}/switch/ports/cycle and the batch action `cycle` (on that resource or on
 * /devices/{serial}/switch/ports, reference §2.1): power-cycles ports. It changes no configuration;
 * every entry must name ports of the switch.
 */
export function cyclePorts(ctx: ExecContext, serial: string, body: Body): OpResult {
  findSwitch(ctx, serial);
  const ports = body.ports;
  if (ports === undefined) throw badRequest("'ports' is required");
  if (!Array.isArray(ports) || !ports.every((p) => typeof p === "string")) throw badRequest("'ports' must be an array of strings");
  if (ports.length === 0) throw badRequest("'ports' must not be empty");
  const ids = ctx.org.switchPorts[serial].map((p) => p.portId);
  const unknown = (ports as string[]).filter((p) => !cycleEntry(p.trim(), ids));
  if (unknown.length) throw badRequest(...unknown.map((p) => `'ports' has '${p}', which is not a port or range of ports of switch ${serial}`));
  return {};
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
  const device = ctx.org.devices[serial];
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
  if (typeof body.linkNegotiation === "string") {
    const caps = capabilities(device.model, portId);
    if (!LINK_SPEED.test(body.linkNegotiation)) problems.push(LINK_NEGOTIATION_FORMAT);
    else if (!caps.includes(body.linkNegotiation)) problems.push(oneOfMessage("linkNegotiation", caps));
  }
  // "This ID must pre-exist during the configuration" (SPEC142); the emulator has no groups.
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
  // The voice VLAN is access-only: a port that becomes a trunk drops it.
  if (type === "trunk") next.voiceVlan = null;

  problems.push(...applyAccessPolicy(next, body));
  // A "Custom access policy" names one of the network's access policies by its number (ours: the wording).
  const touchesPolicy = ["type", "accessPolicyType", "accessPolicyNumber"].some((f) => body[f] !== undefined);
  if (touchesPolicy && next.accessPolicyType === "Custom access policy" && next.accessPolicyNumber !== undefined && !hasAccessPolicy(ctx.org, device.networkId, next.accessPolicyNumber)) {
    problems.push(`'accessPolicyNumber' ${next.accessPolicyNumber} is not an access policy of network ${device.networkId}`);
  }
  // "A null value will clear the value set for trunk ports" (SPEC142): an access port keeps a VLAN.
  if (next.type === "access" && next.vlan === null) problems.push("'vlan' is required for access ports");
  if (problems.length) throw new ApiError(400, problems);
  ctx.journal.setAt(ctx.org.switchPorts[serial], index, next);
  return {};
}

/**
 * Applies the access-policy fields; fields that no longer apply are dropped from the port. Each
 * policy field is "Only applicable when 'accessPolicyType' is …" (SPEC142, PYSDK for macWhitelistLimit).
 */
function applyAccessPolicy(next: SwitchPort, body: Body): string[] {
  const problems: string[] = [];
  const policy = next.type === "access" ? next.accessPolicyType : "Open";
  next.accessPolicyType = policy;
  if (body.accessPolicyNumber !== undefined) next.accessPolicyNumber = asInteger(body.accessPolicyNumber) as number;
  if (body.macAllowList !== undefined) next.macAllowList = body.macAllowList as string[];
  if (body.macWhitelistLimit !== undefined) next.macWhitelistLimit = asInteger(body.macWhitelistLimit) as number;
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
    delete next.macWhitelistLimit;
  } else {
    const list = (next.macAllowList ??= []);
    // "Up to 20 MAC addresses can be defined" (SPEC142).
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
    // No source gives the default limit: the emulator takes the list's size (at least 1).
    next.stickyMacAllowListLimit ??= Math.max(1, next.stickyMacAllowList.length);
    const bad = next.stickyMacAllowList.find((m) => !isMac(m));
    if (bad !== undefined) problems.push(`'stickyMacAllowList' has an invalid MAC address '${bad}'`);
    // The limit "must be equal to or greater than the list size" (ansible-meraki meraki_ms_switchport).
    if (next.stickyMacAllowList.length > next.stickyMacAllowListLimit) {
      problems.push(`'stickyMacAllowList' has more entries than 'stickyMacAllowListLimit' (${next.stickyMacAllowListLimit})`);
    }
  }
  return problems;
}

/**
 * Switch access policies (/networks/{networkId}/switch/accessPolicies[/{accessPolicyNumber}]):
 * create, update, destroy, list and get (SPEC142). Policies are numbered per network; a port's
 * "Custom access policy" names one by its number, so a port cannot name a policy that does not
 * exist and a policy that ports use cannot be deleted. RADIUS secrets are write-only. Each rule's
 * source is in docs/emulator.md.
 */
import { ACCESS_POLICY_DEFAULTS } from "../../lib/campus-defaults";
import { parseCidr } from "../../lib/ipv4";
import { ApiError, badRequest, notFound } from "../errors";
import { AccessPolicy, OrgState, RadiusServer } from "../model";
import { Body, Rule, asInteger, checkField, checkFields, isIPv4, isPlainObject } from "../validate";
import { inIdOrder, readCollection, writableCollection } from "./collections";
import { ExecContext, OpResult } from "./context";
import { findNetwork } from "./vlans";

export const HOST_MODES = ["Multi-Auth", "Multi-Domain", "Multi-Host", "Single-Host"] as const;
export const POLICY_ACCESS_TYPES = ["802.1x", "Hybrid authentication", "MAC authentication bypass"] as const;
export const CONTROL_DIRECTIONS = ["both", "inbound"] as const;
/** The spec's required fields of createNetworkSwitchAccessPolicy. */
export const POLICY_REQUIRED = ["name", "radiusServers", "radiusTestingEnabled", "radiusCoaSupportEnabled", "radiusAccountingEnabled", "hostMode", "urlRedirectWalledGardenEnabled"];

const RULES: Record<string, Rule> = {
  // "Name of the access policy (max length 255)" (PYSDK)
  name: { type: "string", maxLength: 255 },
  radiusServers: { type: "array" },
  radius: { type: "object" },
  guestPortBouncing: { type: "boolean" },
  radiusTestingEnabled: { type: "boolean" },
  radiusCoaSupportEnabled: { type: "boolean" },
  radiusAccountingEnabled: { type: "boolean" },
  radiusAccountingServers: { type: "array" },
  // "Acceptable values are "" for None, or "11" for Group Policies ACL" (SPEC142)
  radiusGroupAttribute: { type: "string", oneOf: ["", "11"] },
  hostMode: { type: "string", oneOf: HOST_MODES },
  accessPolicyType: { type: "string", oneOf: POLICY_ACCESS_TYPES },
  increaseAccessSpeed: { type: "boolean" },
  guestVlanId: { type: "integer", nullable: true, min: 1, max: 4094 },
  dot1x: { type: "object" },
  voiceVlanClients: { type: "boolean" },
  urlRedirectWalledGardenEnabled: { type: "boolean" },
  urlRedirectWalledGardenRanges: { type: "stringArray" },
};

const VLAN_RULE: Rule = { type: "integer", nullable: true, min: 1, max: 4094 };

function checkServers(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const problems: string[] = [];
  value.forEach((s: unknown, i: number) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(s)) return problems.push(`'${at}' must be an object`);
    // host, port and secret are each required (SPEC142).
    for (const key of ["host", "port", "secret"]) if (s[key] === undefined) problems.push(`'${at}.${key}' is required`);
    if (s.host !== undefined && !isIPv4(s.host)) problems.push(`'${at}.host' must be an IPv4 address`);
    if (s.port !== undefined) {
      const m = checkField(`${at}.port`, s.port, { type: "integer", min: 1, max: 65535 });
      if (m) problems.push(m);
    }
    if (s.secret !== undefined && typeof s.secret !== "string") problems.push(`'${at}.secret' must be a string`);
    return undefined;
  });
  return problems;
}

function checkNested(body: Body): string[] {
  const problems = [...checkServers("radiusServers", body.radiusServers), ...checkServers("radiusAccountingServers", body.radiusAccountingServers)];
  if (isPlainObject(body.radius)) {
    const r = body.radius;
    for (const k of ["failedAuthVlanId", "reAuthenticationInterval"] as const) {
      if (r[k] === undefined) continue;
      const m = checkField(`radius.${k}`, r[k], k === "failedAuthVlanId" ? VLAN_RULE : { type: "integer", nullable: true, min: 1 });
      if (m) problems.push(m);
    }
    if (r.criticalAuth !== undefined) {
      if (!isPlainObject(r.criticalAuth)) problems.push("'radius.criticalAuth' must be an object");
      else {
        const c = r.criticalAuth;
        for (const k of ["dataVlanId", "voiceVlanId"]) {
          const m = c[k] === undefined ? undefined : checkField(`radius.criticalAuth.${k}`, c[k], VLAN_RULE);
          if (m) problems.push(m);
        }
        if (c.suspendPortBounce !== undefined && typeof c.suspendPortBounce !== "boolean") problems.push("'radius.criticalAuth.suspendPortBounce' must be a boolean");
      }
    }
  }
  if (isPlainObject(body.dot1x) && body.dot1x.controlDirection !== undefined) {
    const m = checkField("dot1x.controlDirection", body.dot1x.controlDirection, { type: "string", oneOf: CONTROL_DIRECTIONS });
    if (m) problems.push(m);
  }
  if (Array.isArray(body.urlRedirectWalledGardenRanges)) {
    // "IP address ranges, in CIDR notation" (SPEC142)
    for (const r of body.urlRedirectWalledGardenRanges) {
      if (typeof r === "string" && !parseCidr(r)) problems.push(`'urlRedirectWalledGardenRanges' must hold ranges in CIDR notation ('${r}')`);
    }
  }
  return problems;
}

function fail(problems: string[]): void {
  if (problems.length) throw new ApiError(400, problems, "validation");
}

const servers = (v: unknown): RadiusServer[] => (v as Body[]).map((s) => ({ host: s.host as string, port: asInteger(s.port) as number, secret: s.secret as string }));

/** The policy with the body's fields applied, and the values the API sets by itself. */
function merge(current: AccessPolicy, body: Body): AccessPolicy {
  const next: AccessPolicy = JSON.parse(JSON.stringify(current));
  for (const k of ["name", "guestPortBouncing", "radiusTestingEnabled", "radiusCoaSupportEnabled", "radiusAccountingEnabled", "radiusGroupAttribute", "hostMode", "accessPolicyType", "increaseAccessSpeed", "voiceVlanClients", "urlRedirectWalledGardenEnabled"] as const) {
    if (body[k] !== undefined) (next as unknown as Body)[k] = body[k];
  }
  if (body.radiusServers !== undefined) next.radiusServers = servers(body.radiusServers);
  if (body.radiusAccountingServers !== undefined) next.radiusAccountingServers = servers(body.radiusAccountingServers);
  if (body.urlRedirectWalledGardenRanges !== undefined) next.urlRedirectWalledGardenRanges = [...(body.urlRedirectWalledGardenRanges as string[])];
  if (body.guestVlanId !== undefined) next.guestVlanId = asInteger(body.guestVlanId) ?? null;
  if (isPlainObject(body.dot1x) && body.dot1x.controlDirection !== undefined) next.dot1x = { controlDirection: body.dot1x.controlDirection as string };
  if (isPlainObject(body.radius)) {
    const r = body.radius;
    if (r.failedAuthVlanId !== undefined) next.radius.failedAuthVlanId = asInteger(r.failedAuthVlanId) ?? null;
    if (r.reAuthenticationInterval !== undefined) next.radius.reAuthenticationInterval = asInteger(r.reAuthenticationInterval) ?? null;
    if (isPlainObject(r.criticalAuth)) {
      const c = r.criticalAuth;
      if (c.dataVlanId !== undefined) next.radius.criticalAuth.dataVlanId = asInteger(c.dataVlanId) ?? null;
      if (c.voiceVlanId !== undefined) next.radius.criticalAuth.voiceVlanId = asInteger(c.voiceVlanId) ?? null;
      if (c.suspendPortBounce !== undefined) next.radius.criticalAuth.suspendPortBounce = c.suspendPortBounce as boolean;
    }
  }
  // "Automatically 'Hybrid authentication' when hostMode is 'Multi-Domain'", "Automatically true
  // when hostMode is 'Multi-Domain'", "Will be null if hostMode is Multi-Auth" (SPEC142).
  if (next.hostMode === "Multi-Domain") {
    next.accessPolicyType = "Hybrid authentication";
    next.voiceVlanClients = true;
  }
  if (next.hostMode === "Multi-Auth") {
    next.radius.criticalAuth.dataVlanId = null;
    next.radius.criticalAuth.voiceVlanId = null;
    next.radius.failedAuthVlanId = null;
    next.radius.reAuthenticationInterval = null;
  }
  return next;
}

/** What a new policy holds before the create's fields apply (lib/campus-defaults.ts: ours, but dot1x's "Defaults to 'both'"). */
function blankPolicy(number: string): AccessPolicy {
  return { accessPolicyNumber: number, name: "", radiusServers: [], hostMode: "Single-Host", ...JSON.parse(JSON.stringify(ACCESS_POLICY_DEFAULTS)) };
}

/** The switch network a policy belongs to: any network with switches (our choice: others answer 400). */
function switchNetwork(ctx: ExecContext, networkId: string): void {
  const network = findNetwork(ctx, networkId);
  if (!network.productTypes.includes("switch")) throw badRequest("This network does not have switches");
}

export function createAccessPolicy(ctx: ExecContext, networkId: string, body: Body, resourceBase: string): OpResult {
  switchNetwork(ctx, networkId);
  fail(POLICY_REQUIRED.filter((k) => body[k] === undefined).map((k) => `'${k}' is required`));
  fail([...checkFields(body, RULES), ...checkNested(body)]);
  const policies = writableCollection(ctx, "accessPolicies", networkId);
  // Numbered one above the highest number in use (our choice).
  const number = String(Math.max(0, ...Object.keys(policies).map(Number)) + 1);
  const policy = merge(blankPolicy(number), body);
  ctx.journal.set(policies, number, policy);
  return { created: { id: number, uri: `${resourceBase.replace(/\/+$/, "")}/${number}` } };
}

function findPolicy(ctx: ExecContext, networkId: string, number: string): AccessPolicy {
  switchNetwork(ctx, networkId);
  const policy = readCollection(ctx.org, "accessPolicies", networkId)[number];
  if (!policy) throw notFound(`Access policy ${number} not found`);
  return policy;
}

export function updateAccessPolicy(ctx: ExecContext, networkId: string, number: string, body: Body): OpResult {
  const current = findPolicy(ctx, networkId, number);
  fail([...checkFields(body, RULES), ...checkNested(body)]);
  ctx.journal.set(writableCollection(ctx, "accessPolicies", networkId), number, merge(current, body));
  return {};
}

/** Ports of the network's switches that use the policy ("Custom access policy" with its number). */
export function portsUsingPolicy(org: OrgState, networkId: string, number: string): string[] {
  const out: string[] = [];
  for (const [serial, ports] of Object.entries(org.switchPorts)) {
    if (org.devices[serial]?.networkId !== networkId) continue;
    for (const p of ports) if (p.accessPolicyType === "Custom access policy" && String(p.accessPolicyNumber) === number) out.push(`${serial}/${p.portId}`);
  }
  return out;
}

export function destroyAccessPolicy(ctx: ExecContext, networkId: string, number: string): OpResult {
  findPolicy(ctx, networkId, number);
  const users = portsUsingPolicy(ctx.org, networkId, number);
  if (users.length) {
    const shown = users.slice(0, 5).map((u) => `port ${u.split("/")[1]} of ${u.split("/")[0]}`).join(", ");
    throw badRequest(`Access policy ${number} is in use by ${users.length} switch port${users.length === 1 ? "" : "s"} (${shown}${users.length > 5 ? ", …" : ""}) and cannot be deleted`);
  }
  ctx.journal.remove(writableCollection(ctx, "accessPolicies", networkId), number);
  return {};
}

/** A policy as GET returns it: the spec's fields, its number first, no RADIUS secrets. */
export function renderAccessPolicy(p: AccessPolicy): Body {
  const hide = (list: RadiusServer[]) => list.map(({ host, port }) => ({ host, port }));
  return { ...p, radiusServers: hide(p.radiusServers), radiusAccountingServers: hide(p.radiusAccountingServers) };
}

export function listAccessPolicies(ctx: ExecContext, networkId: string): Body[] {
  switchNetwork(ctx, networkId);
  return inIdOrder(readCollection(ctx.org, "accessPolicies", networkId)).map(renderAccessPolicy);
}

export function getAccessPolicy(ctx: ExecContext, networkId: string, number: string): Body {
  return renderAccessPolicy(findPolicy(ctx, networkId, number));
}

/** Whether a network has the access policy (a port's "Custom access policy" must name one). */
export function hasAccessPolicy(org: OrgState, networkId: string, number: number): boolean {
  return readCollection(org, "accessPolicies", networkId)[String(number)] !== undefined;
}

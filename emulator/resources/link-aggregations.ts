/**
 * Link aggregation groups (/networks/{networkId}/switch/linkAggregations[/{linkAggregationId}]):
 * create, update (the member ports), destroy (split into separate ports) and list (SPEC142 has no
 * GET of one). Members are 2 to 8 ports of switches in the network, each in one group at most.
 */
import { ApiError, badRequest, notFound } from "../errors";
import { LinkAggregation, OrgState } from "../model";
import { Body, isPlainObject } from "../validate";
import { readCollection, writableCollection } from "./collections";
import { ExecContext, OpResult } from "./context";
import { findNetwork } from "./vlans";

type Member = { serial: string; portId: string };

/** "Minimum 2 and maximum 8 ports are supported" (SPEC142). */
export const MIN_MEMBERS = 2;
export const MAX_MEMBERS = 8;

/** The aggregation (other than `except`) that holds a port, if any. */
export function aggregationOf(org: OrgState, networkId: string, serial: string, portId: string, except?: string): LinkAggregation | undefined {
  return Object.values(readCollection(org, "linkAggregations", networkId)).find((a) => a.id !== except && a.switchPorts.some((m) => m.serial === serial && m.portId === portId));
}

function members(ctx: ExecContext, networkId: string, body: Body, except?: string): Member[] {
  const problems: string[] = [];
  // The emulator has no switch profiles (configuration templates): profile ports cannot exist.
  if (body.switchProfilePorts !== undefined) {
    const list = Array.isArray(body.switchProfilePorts) ? body.switchProfilePorts : [];
    const profile = list.map((p: unknown) => (isPlainObject(p) ? p.profile : undefined)).find((p) => p !== undefined);
    problems.push(profile !== undefined ? `Switch profile '${String(profile)}' does not exist` : "'switchProfilePorts' must be an array of {profile, portId}");
  }
  if (body.switchPorts === undefined) {
    if (body.switchProfilePorts === undefined) problems.push("'switchPorts' is required");
    throw new ApiError(400, problems);
  }
  if (!Array.isArray(body.switchPorts)) throw badRequest("'switchPorts' must be an array");
  const list: Member[] = [];
  body.switchPorts.forEach((m: unknown, i: number) => {
    const at = `switchPorts[${i}]`;
    if (!isPlainObject(m)) return problems.push(`'${at}' must be an object`);
    for (const k of ["serial", "portId"]) if (m[k] === undefined) problems.push(`'${at}.${k}' is required`);
    for (const k of ["serial", "portId"]) if (m[k] !== undefined && typeof m[k] !== "string") problems.push(`'${at}.${k}' must be a string`);
    if (typeof m.serial === "string" && typeof m.portId === "string") list.push({ serial: m.serial, portId: m.portId });
    return undefined;
  });
  if (problems.length) throw new ApiError(400, problems);
  if (list.length < MIN_MEMBERS || list.length > MAX_MEMBERS) problems.push(`'switchPorts' must have between ${MIN_MEMBERS} and ${MAX_MEMBERS} ports (it has ${list.length})`);
  const seen = new Set<string>();
  for (const m of list) {
    const name = `port ${m.portId} of switch ${m.serial}`;
    if (seen.has(`${m.serial}/${m.portId}`)) problems.push(`${name} is listed twice`);
    seen.add(`${m.serial}/${m.portId}`);
    const device = ctx.org.devices[m.serial];
    const ports = ctx.org.switchPorts[m.serial];
    if (!device || device.productType !== "switch" || !ports) problems.push(`Switch ${m.serial} not found`);
    else if (device.networkId !== networkId) problems.push(`Switch ${m.serial} is not in network ${networkId}: a link aggregation's ports must be in its network`);
    else if (!ports.some((p) => p.portId === m.portId)) problems.push(`Port ${m.portId} not found on switch ${m.serial}`);
    else {
      const other = aggregationOf(ctx.org, networkId, m.serial, m.portId, except);
      if (other) problems.push(`${name} is already in link aggregation ${other.id}`);
    }
  }
  if (problems.length) throw new ApiError(400, problems);
  return list;
}

function switchNetwork(ctx: ExecContext, networkId: string): void {
  const network = findNetwork(ctx, networkId);
  if (!network.productTypes.includes("switch")) throw badRequest("This network does not have switches");
}

export function createLinkAggregation(ctx: ExecContext, networkId: string, body: Body, resourceBase: string): OpResult {
  switchNetwork(ctx, networkId);
  const switchPorts = members(ctx, networkId, body);
  // Opaque base64 ids, as in the spec's example ("NDU2N18yXzM=").
  const id = Buffer.from(`${ctx.newId()}_${switchPorts.length}`).toString("base64");
  ctx.journal.set(writableCollection(ctx, "linkAggregations", networkId), id, { id, switchPorts });
  return { created: { id, uri: `${resourceBase.replace(/\/+$/, "")}/${encodeURIComponent(id)}` } };
}

function find(ctx: ExecContext, networkId: string, id: string): LinkAggregation {
  switchNetwork(ctx, networkId);
  const found = readCollection(ctx.org, "linkAggregations", networkId)[id];
  if (!found) throw notFound(`Link aggregation ${id} not found`);
  return found;
}

export function updateLinkAggregation(ctx: ExecContext, networkId: string, id: string, body: Body): OpResult {
  find(ctx, networkId, id);
  if (body.switchPorts === undefined && body.switchProfilePorts === undefined) return {};
  const switchPorts = members(ctx, networkId, body, id);
  ctx.journal.set(writableCollection(ctx, "linkAggregations", networkId), id, { id, switchPorts });
  return {};
}

export function destroyLinkAggregation(ctx: ExecContext, networkId: string, id: string): OpResult {
  find(ctx, networkId, id);
  ctx.journal.remove(writableCollection(ctx, "linkAggregations", networkId), id);
  return {};
}

export function listLinkAggregations(ctx: ExecContext, networkId: string): Body[] {
  switchNetwork(ctx, networkId);
  return Object.values(readCollection(ctx.org, "linkAggregations", networkId)).map((a) => ({ id: a.id, switchPorts: a.switchPorts.map((m) => ({ ...m })) }));
}

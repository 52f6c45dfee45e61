/**
 * The batchable resources: which resource templates the emulator knows, which operations each
 * allows, and the handler that runs them. Both action batches and the REST routes dispatch here,
 * so an action validates exactly as the equivalent REST call does.
 */
import { ApiError, badRequest } from "./errors";
import { ExecContext, OpResult } from "./resources/context";
import { createAccessPolicy, destroyAccessPolicy, updateAccessPolicy } from "./resources/access-policies";
import { updateDevice } from "./resources/devices";
import { createLinkAggregation, destroyLinkAggregation, updateLinkAggregation } from "./resources/link-aggregations";
import { createInterface, createStaticRoute, destroyInterface, destroyStaticRoute, updateInterface, updateInterfaceDhcp, updateStaticRoute } from "./resources/routing";
import { cyclePorts, updatePort } from "./resources/switch-ports";
import { createVlan, destroyVlan, updateVlan, updateVlanSettings } from "./resources/vlans";
import { Body } from "./validate";

type Handler = (ctx: ExecContext, params: Record<string, string>, body: Body, resource: string) => OpResult;

interface Template {
  /** As documented, e.g. /networks/{networkId}/appliance/vlans/{vlanId} */
  template: string;
  /** v0 form that the documentation's examples still use. */
  legacy: boolean;
  operations: Record<string, Handler>;
}

const vlanCollection: Record<string, Handler> = { create: (ctx, p, body, resource) => createVlan(ctx, p.networkId, body, resource) };
const vlanItem: Record<string, Handler> = {
  update: (ctx, p, body) => updateVlan(ctx, p.networkId, p.vlanId, body),
  destroy: (ctx, p) => destroyVlan(ctx, p.networkId, p.vlanId),
};

const TEMPLATES: Template[] = [
  {
    template: "/networks/{networkId}/appliance/vlans/settings",
    legacy: false,
    operations: { update: (ctx, p, body) => updateVlanSettings(ctx, p.networkId, body) },
  },
  { template: "/networks/{networkId}/appliance/vlans", legacy: false, operations: vlanCollection },
  { template: "/networks/{networkId}/appliance/vlans/{vlanId}", legacy: false, operations: vlanItem },
  {
    template: "/devices/{serial}",
    legacy: false,
    operations: { update: (ctx, p, body) => updateDevice(ctx, p.serial, body, false) },
  },
  // cycle: x-batchable-actions names the collection, the Python SDK's builder the REST path (reference §2.1).
  { template: "/devices/{serial}/switch/ports", legacy: false, operations: { cycle: (ctx, p, body) => cyclePorts(ctx, p.serial, body) } },
  { template: "/devices/{serial}/switch/ports/cycle", legacy: false, operations: { cycle: (ctx, p, body) => cyclePorts(ctx, p.serial, body) } },
  {
    template: "/devices/{serial}/switch/ports/{portId}",
    legacy: false,
    operations: { update: (ctx, p, body) => updatePort(ctx, p.serial, p.portId, body, false) },
  },
  // Campus switching (SPEC142's x-batchable-actions; the Python SDK's batch builders).
  {
    template: "/networks/{networkId}/switch/accessPolicies",
    legacy: false,
    operations: { create: (ctx, p, body, resource) => createAccessPolicy(ctx, p.networkId, body, resource) },
  },
  {
    template: "/networks/{networkId}/switch/accessPolicies/{accessPolicyNumber}",
    legacy: false,
    operations: {
      update: (ctx, p, body) => updateAccessPolicy(ctx, p.networkId, p.accessPolicyNumber, body),
      destroy: (ctx, p) => destroyAccessPolicy(ctx, p.networkId, p.accessPolicyNumber),
    },
  },
  {
    template: "/networks/{networkId}/switch/linkAggregations",
    legacy: false,
    operations: { create: (ctx, p, body, resource) => createLinkAggregation(ctx, p.networkId, body, resource) },
  },
  {
    template: "/networks/{networkId}/switch/linkAggregations/{linkAggregationId}",
    legacy: false,
    operations: {
      update: (ctx, p, body) => updateLinkAggregation(ctx, p.networkId, p.linkAggregationId, body),
      destroy: (ctx, p) => destroyLinkAggregation(ctx, p.networkId, p.linkAggregationId),
    },
  },
  {
    template: "/devices/{serial}/switch/routing/interfaces",
    legacy: false,
    operations: { create: (ctx, p, body, resource) => createInterface(ctx, p.serial, body, resource) },
  },
  {
    template: "/devices/{serial}/switch/routing/interfaces/{interfaceId}",
    legacy: false,
    operations: {
      update: (ctx, p, body) => updateInterface(ctx, p.serial, p.interfaceId, body),
      destroy: (ctx, p) => destroyInterface(ctx, p.serial, p.interfaceId),
    },
  },
  {
    template: "/devices/{serial}/switch/routing/interfaces/{interfaceId}/dhcp",
    legacy: false,
    operations: { update: (ctx, p, body) => updateInterfaceDhcp(ctx, p.serial, p.interfaceId, body) },
  },
  {
    template: "/devices/{serial}/switch/routing/staticRoutes",
    legacy: false,
    operations: { create: (ctx, p, body, resource) => createStaticRoute(ctx, p.serial, body, resource) },
  },
  {
    template: "/devices/{serial}/switch/routing/staticRoutes/{staticRouteId}",
    legacy: false,
    operations: {
      update: (ctx, p, body) => updateStaticRoute(ctx, p.serial, p.staticRouteId, body),
      destroy: (ctx, p) => destroyStaticRoute(ctx, p.serial, p.staticRouteId),
    },
  },
  // v0 resources, as in the documentation's action batch examples.
  { template: "/networks/{networkId}/vlans", legacy: true, operations: vlanCollection },
  { template: "/networks/{networkId}/vlans/{vlanId}", legacy: true, operations: vlanItem },
  {
    template: "/networks/{networkId}/devices/{serial}",
    legacy: true,
    operations: {
      update: (ctx, p, body) => {
        const device = ctx.org.devices[p.serial];
        if (!device || device.networkId !== p.networkId) throw new ApiError(404, ["Not found"], "notFound");
        return updateDevice(ctx, p.serial, body, true);
      },
    },
  },
  {
    template: "/devices/{serial}/switchPorts/{number}",
    legacy: true,
    operations: { update: (ctx, p, body) => updatePort(ctx, p.serial, p.number, body, true) },
  },
];

interface Compiled extends Template {
  pattern: RegExp;
  params: string[];
}

const COMPILED: Compiled[] = TEMPLATES.map((t) => {
  const params: string[] = [];
  const source = t.template.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return "([^/]+)";
  });
  // The documentation's own sample echoes a create resource with a trailing slash.
  return { ...t, params, pattern: new RegExp(`^${source}/?$`) };
});

export interface ResolvedAction {
  template: string;
  params: Record<string, string>;
  handler: Handler;
}

/** The template with snake_case parameter names, as the API words it (dashboard-api-python#241). */
function snakeTemplate(template: string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => `{${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}}`);
}

export function matchResource(resource: string): { template: Compiled; params: Record<string, string> } | undefined {
  const path = resource.split("?")[0];
  for (const t of COMPILED) {
    const m = t.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    t.params.forEach((name, i) => {
      params[name] = safeDecode(m[i + 1]);
    });
    return { template: t, params };
  }
  return undefined;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Resolves an action's resource and operation, or throws the API's 400. */
export function resolveAction(resource: string, operation: string): ResolvedAction {
  const match = matchResource(resource);
  if (!match) throw badRequest("Unsupported operation");
  const handler = match.template.operations[operation];
  if (!handler) throw badRequest(`${operation} operation is unsupported for ${snakeTemplate(match.template.template)}.`);
  return { template: match.template.template, params: match.params, handler };
}

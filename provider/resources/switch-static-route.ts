/**
 * A switch's layer 3 static route (/devices/{serial}/switch/routing/staticRoutes[/{id}], SPEC142),
 * known by its subnet: a switch has one route per destination. The API numbers routes itself, so
 * the live id is looked up by subnet for updates and deletes. The next hop must be reachable
 * through one of the switch's layer 3 interfaces, live or declared in the same plan (whose creates
 * then go first, in the same batch when they fit).
 */
import { z } from "zod";
import { cidrContains, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { Action } from "../dashboard/batches";
import { LiveRecord, LiveSnapshot } from "../live/snapshot";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, cidr, clean, encode, ipv4, project, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

export const staticRouteSchema = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    subnet: cidr,
    nextHopIp: ipv4,
    name: z.string().nullable().optional(),
    advertiseViaOspfEnabled: z.boolean().optional(),
    preferOverOspfRoutesEnabled: z.boolean().optional(),
    /** Take over a route for this subnet that already exists (a Pulumi create otherwise refuses it). */
    adopt: z.boolean().optional(),
  })
  .strict();

export type StaticRouteProps = z.infer<typeof staticRouteSchema>;

const KEY_FIELDS = ["serial", "adopt"];

const key = (p: { serial: string; subnet: string }) => `switchStaticRoute/${p.serial}/${p.subnet}`;
const describe = (p: { serial: string; subnet: string }) => `static route ${p.subnet} of switch ${p.serial}`;
const collection = (serial: string) => `/devices/${encode(serial)}/switch/routing/staticRoutes`;

function normalise(f: Record<string, unknown>): Record<string, unknown> {
  const out = { ...f };
  if (out.name === "") out.name = null;
  return clean(out);
}

/** The switch, or why routes cannot be planned on it. */
export function switchIssue(serial: string, live: LiveSnapshot): string | undefined {
  // Not judged when the devices were not read (a re-check of a plan that already judged it).
  if (!live.devices) return undefined;
  const d = live.devices[serial];
  if (!d) return `device ${serial} is not in organization ${live.organizationId} (or not visible to this API key)`;
  if (d.productType !== "switch") return `device ${serial} is a ${d.model} (${d.productType}), not a switch`;
  return undefined;
}

/** The switch's layer 3 interfaces once the plan applies: the declared ones, and the live ones not declared. */
export function interfacesAfter(serial: string, ctx: PlanContext): Array<{ vlanId: number; subnet: string }> {
  const declared = (ctx.declared?.("switchRoutingInterface") ?? []).map((d) => d.props).filter((p) => p.serial === serial);
  const declaredVlans = new Set(declared.map((p) => Number(p.vlanId)));
  const live = (ctx.live.routingInterfaces?.[serial] ?? []).filter((i) => !declaredVlans.has(Number(i.vlanId)));
  return [...declared.map((p) => ({ vlanId: Number(p.vlanId), subnet: String(p.subnet) })), ...live.map((i) => ({ vlanId: Number(i.vlanId), subnet: String(i.subnet) }))];
}

function reachIssue(p: StaticRouteProps, ctx: PlanContext): string | undefined {
  const hop = parseIPv4(p.nextHopIp)!;
  const interfaces = interfacesAfter(p.serial, ctx);
  if (interfaces.some((i) => { const c = parseCidr(i.subnet); return !!c && cidrContains(c, hop); })) return undefined;
  const listed = interfaces.length ? `its layer 3 interfaces: ${interfaces.map((i) => `VLAN ${i.vlanId} ${i.subnet}`).join(", ")}` : "it has no layer 3 interface";
  return `${p.nextHopIp} is not reachable through a layer 3 interface of switch ${p.serial} (${listed}); declare a SwitchRoutingInterface whose subnet holds the next hop`;
}

export function liveRoute(p: { serial: string; subnet: string }, live: LiveSnapshot): LiveRecord | undefined {
  return live.staticRoutes?.[p.serial]?.find((r) => r.subnet === p.subnet);
}

function change(p: StaticRouteProps, ctx: PlanContext, op: Change["op"], fields: Change["fields"], live: LiveRecord | null, actions: Action[], id?: unknown): Change {
  const c: Change = { key: key(p), kind: "switchStaticRoute", name: ctx.name, description: describe(p), op, fields, live, actions, dependsOn: [] };
  if (id !== undefined && id !== null) c.id = String(id);
  return c;
}

export const staticRouteKind: KindModule<StaticRouteProps> = {
  kind: "switchStaticRoute",
  label: "SwitchStaticRoute",
  schema: staticRouteSchema,
  key,
  describe,
  outputs: { staticRouteId: "string" },
  liveId(p, live) {
    const found = liveRoute(p, live);
    return found ? String(found.staticRouteId) : undefined;
  },
  needs(p, n) {
    n.devices = true;
    n.staticRouteSerials.add(p.serial);
    n.interfaceSerials.add(p.serial);
  },

  plan(p, ctx): KindPlan {
    const wrong = switchIssue(p.serial, ctx.live);
    if (wrong) return { issues: [{ path: "serial", message: wrong }] };
    const unreachable = reachIssue(p, ctx);
    if (unreachable) return { issues: [{ path: "nextHopIp", message: unreachable }] };
    const desired = normalise(without(p, KEY_FIELDS));
    const live = liveRoute(p, ctx.live);
    if (!live) {
      const fields = Object.entries(desired).map(([path, v]) => ({ path, old: null, new: v }));
      return { change: change(p, ctx, "create", fields, null, [{ resource: collection(p.serial), operation: "create", body: without(p, KEY_FIELDS) }]) };
    }
    if (ctx.intent === "create" && !p.adopt) {
      return { issues: [{ path: "subnet", message: `a static route for ${p.subnet} already exists on switch ${p.serial} (id ${String(live.staticRouteId)}): set adopt: true to manage it` }] };
    }
    const view = normalise(project(live, desired) as Record<string, unknown>);
    const fields = fieldChanges(view, desired);
    if (!fields.length) return { change: change(p, ctx, "noop", [], view, [], live.staticRouteId) };
    const body: Record<string, unknown> = {};
    for (const f of fields) body[f.path] = f.new;
    const resource = `${collection(p.serial)}/${encode(String(live.staticRouteId))}`;
    return { change: change(p, ctx, "update", fields, view, [{ resource, operation: "update", body }], live.staticRouteId) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const live = liveRoute(p, ctx.live);
    if (!live) return { change: change(p, ctx, "noop", [], null, []) };
    const view = normalise(project(live, normalise(without(p, KEY_FIELDS))) as Record<string, unknown>);
    const resource = `${collection(p.serial)}/${encode(String(live.staticRouteId))}`;
    return { change: change(p, ctx, "delete", [{ path: "subnet", old: p.subnet, new: null }], view, [{ resource, operation: "destroy" }], live.staticRouteId) };
  },

  phase(c) {
    return c.op === "delete" ? PHASE.staticRouteDestroy : PHASE.staticRouteUpsert;
  },
};

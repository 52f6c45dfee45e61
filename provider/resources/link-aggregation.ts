/**
 * A link aggregation group (/networks/{networkId}/switch/linkAggregations[/{id}], SPEC142): 2 to
 * 8 switch ports of the network bundled (an LACP uplink, a server's bond). It has no name: it is
 * the live aggregation that holds its ports. The API gives it an opaque id, looked up for updates
 * and deletes (and returned to Pulumi programs as `linkAggregationId`).
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { LiveRecord, LiveSnapshot, needPorts } from "../live/snapshot";
import { naturalCompare } from "../plan/order";
import { Change, DeleteSpec, encode } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

const member = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    portId: z.preprocess((v) => (typeof v === "number" ? String(v) : v), z.string().regex(/^[0-9A-Za-z_/-]+$/, { message: "must be a port id such as \"49\"" })),
  })
  .strict();

export const linkAggregationSchema = z
  .object({
    networkId: z.string().min(1, { message: "is required" }),
    // "Minimum 2 and maximum 8 ports are supported" (SPEC142)
    switchPorts: z.array(member).min(2, { message: "must have at least 2 ports" }).max(8, { message: "can have at most 8 ports" }),
    /** Take over the live aggregation that holds these ports (a Pulumi create otherwise refuses it). */
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.switchPorts.forEach((m, i) => {
      const id = `${m.serial}/${m.portId}`;
      if (seen.has(id)) ctx.addIssue({ code: "custom", path: ["switchPorts", i], message: `port ${m.portId} of switch ${m.serial} is listed twice` });
      seen.add(id);
    });
  });

export type LinkAggregationProps = z.infer<typeof linkAggregationSchema>;
type Member = { serial: string; portId: string };

const memberId = (m: Member) => `${m.serial}/${m.portId}`;
const sorted = (list: Member[]) => [...list].sort((a, b) => naturalCompare(memberId(a), memberId(b)));

/** Known by its first port (in natural order): two aggregations never share a port. */
const key = (p: { networkId: string; switchPorts: Member[] }) => `linkAggregation/${p.networkId}/${memberId(sorted(p.switchPorts)[0])}`;
const describe = (p: { networkId: string; switchPorts: Member[] }) => `link aggregation ${sorted(p.switchPorts).map(memberId).join(", ")} on network ${p.networkId}`;
const collection = (networkId: string) => `/networks/${encode(networkId)}/switch/linkAggregations`;

const membersOf = (r: LiveRecord): Member[] => (Array.isArray(r.switchPorts) ? (r.switchPorts as Member[]).map((m) => ({ serial: String(m.serial), portId: String(m.portId) })) : []);

/** The live aggregations that hold any of these ports. */
export function overlapping(networkId: string, members: Member[], live: LiveSnapshot): LiveRecord[] {
  const wanted = new Set(members.map(memberId));
  return (live.linkAggregations?.[networkId] ?? []).filter((a) => membersOf(a).some((m) => wanted.has(memberId(m))));
}

function memberIssues(p: LinkAggregationProps, ctx: PlanContext): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  p.switchPorts.forEach((m, i) => {
    const at = `switchPorts.${i}`;
    const d = ctx.live.devices?.[m.serial];
    if (ctx.live.devices && !d) issues.push({ path: `${at}.serial`, message: `device ${m.serial} is not in organization ${ctx.live.organizationId} (or not visible to this API key)` });
    else if (d && d.productType !== "switch") issues.push({ path: `${at}.serial`, message: `device ${m.serial} is a ${d.model} (${d.productType}), not a switch` });
    else if (d && d.networkId !== p.networkId) issues.push({ path: `${at}.serial`, message: `switch ${m.serial} is in network ${d.networkId}, not ${p.networkId}: a link aggregation's ports are in its network` });
    else {
      const ports = ctx.live.ports[m.serial];
      if (ports && !ports[m.portId]) issues.push({ path: `${at}.portId`, message: `switch ${m.serial} has no port ${m.portId}` });
    }
  });
  // Two declared aggregations cannot share a port.
  const mine = new Set(p.switchPorts.map(memberId));
  for (const other of ctx.declared?.("linkAggregation") ?? []) {
    if (other.props === p || other.name === ctx.name) continue;
    const shared = (other.props.switchPorts as Member[]).find((m) => mine.has(memberId(m)));
    if (shared) {
      issues.push({ path: "switchPorts", message: `port ${shared.portId} of switch ${shared.serial} is also in LinkAggregation '${other.name}': a port is in one aggregation at most` });
      continue;
    }
    // One live aggregation is what one declared aggregation becomes, not two.
    if (other.props.networkId !== p.networkId) continue;
    const theirs = new Set(overlapping(p.networkId, other.props.switchPorts, ctx.live).map((a) => String(a.id)));
    const both = overlapping(p.networkId, p.switchPorts, ctx.live).find((a) => theirs.has(String(a.id)));
    if (both) {
      issues.push({
        path: "switchPorts",
        message: `LinkAggregation '${other.name}' also takes ports of live link aggregation ${String(both.id)} (${sorted(membersOf(both)).map(memberId).join(", ")}): regroup them in two steps, first the one that gives ports up`,
      });
    }
  }
  return issues;
}

function change(p: LinkAggregationProps, ctx: PlanContext, op: Change["op"], fields: Change["fields"], live: LiveRecord | null, actions: Action[], id?: unknown): Change {
  const c: Change = { key: key(p), kind: "linkAggregation", name: ctx.name, description: describe(p), op, fields, live, actions, dependsOn: [] };
  if (id !== undefined && id !== null) c.id = String(id);
  return c;
}

/** The live view compared: the members, in natural order. */
const view = (r: LiveRecord) => ({ switchPorts: sorted(membersOf(r)) });

export const linkAggregationKind: KindModule<LinkAggregationProps> = {
  kind: "linkAggregation",
  label: "LinkAggregation",
  schema: linkAggregationSchema,
  key,
  describe,
  outputs: { linkAggregationId: "string" },
  needs(p, n) {
    n.devices = true;
    n.linkAggregationNetworks.add(p.networkId);
    // The members must be ports of their switches (bySwitch carries every port id).
    for (const m of p.switchPorts) needPorts(n, m.serial, []);
  },
  liveId(p, live) {
    const found = overlapping(p.networkId, p.switchPorts, live);
    return found.length === 1 ? String(found[0].id) : undefined;
  },

  plan(p, ctx): KindPlan {
    const issues = memberIssues(p, ctx);
    if (issues.length) return { issues };
    const found = overlapping(p.networkId, p.switchPorts, ctx.live);
    if (found.length > 1) {
      return {
        issues: [{ path: "switchPorts", message: `its ports are in ${found.length} live link aggregations (${found.map((a) => `${String(a.id)}: ${sorted(membersOf(a)).map(memberId).join(", ")}`).join("; ")}): split them first, or declare each` }],
      };
    }
    const desired = { switchPorts: sorted(p.switchPorts) };
    const body = { switchPorts: p.switchPorts.map((m) => ({ serial: m.serial, portId: m.portId })) };
    const live = found[0];
    if (!live) return { change: change(p, ctx, "create", [{ path: "switchPorts", old: null, new: desired.switchPorts }], null, [{ resource: collection(p.networkId), operation: "create", body }]) };
    if (ctx.intent === "create" && !p.adopt) {
      return { issues: [{ path: "switchPorts", message: `its ports are in link aggregation ${String(live.id)} (${sorted(membersOf(live)).map(memberId).join(", ")}): set adopt: true to manage it` }] };
    }
    const now = view(live);
    const same = JSON.stringify(now) === JSON.stringify(desired);
    if (same) return { change: change(p, ctx, "noop", [], now, [], live.id) };
    const resource = `${collection(p.networkId)}/${encode(String(live.id))}`;
    return { change: change(p, ctx, "update", [{ path: "switchPorts", old: now.switchPorts, new: desired.switchPorts }], now, [{ resource, operation: "update", body }], live.id) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const found = overlapping(p.networkId, p.switchPorts, ctx.live);
    if (!found.length) return { change: change(p, ctx, "noop", [], null, []) };
    if (found.length > 1) return { issues: [{ path: "switchPorts", message: `its ports are in ${found.length} live link aggregations (${found.map((a) => String(a.id)).join(", ")}): split them in the Dashboard` }] };
    const live = found[0];
    const resource = `${collection(p.networkId)}/${encode(String(live.id))}`;
    return { change: change(p, ctx, "delete", [{ path: "switchPorts", old: view(live).switchPorts, new: null }], view(live), [{ resource, operation: "destroy" }], live.id) };
  },

  phase(c) {
    return c.op === "delete" ? PHASE.linkAggregationDestroy : PHASE.linkAggregationUpsert;
  },
};

export { membersOf as linkAggregationMembers };

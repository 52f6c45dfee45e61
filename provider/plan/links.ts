/**
 * Dependencies between campus switching changes (ARCHITECTURE §2): which change must run first,
 * in the same batch (phase order) or an earlier one. Ids the API assigns add their own, stricter
 * dependencies through placeholders (assigned.ts, waves.ts).
 *
 * - a layer 3 interface created without a default gateway waits for those created with one (the
 *   switch's first interface needs it);
 * - a static route created or moved waits for the layer 3 interface (created or changed here)
 *   whose subnet holds its next hop;
 * - an interface deleted or changed waits for the routes through it that go away or move;
 * - an access policy deleted waits for the ports that move off it;
 * - a link aggregation made or regrouped waits for the aggregations split that held its ports.
 */
import { cidrContains, parseCidr, parseIPv4 } from "../../lib/ipv4";
import { Change } from "../resources/common";
import { linkAggregationMembers } from "../resources/link-aggregation";

const inSubnet = (ip: unknown, subnet: unknown) => {
  const c = typeof subnet === "string" ? parseCidr(subnet) : null;
  const n = typeof ip === "string" ? parseIPv4(ip) : null;
  return !!c && n !== null && cidrContains(c, n);
};

const body = (c: Change) => (c.actions[0]?.body ?? {}) as Record<string, unknown>;

export function linkCampus(changes: Change[], propsOf: Map<string, any>): void {
  const active = changes.filter((c) => c.actions.length);
  const of = (kind: Change["kind"]) => active.filter((c) => c.kind === kind);
  const interfaces = of("switchRoutingInterface");
  const routes = of("switchStaticRoute");
  const add = (c: Change, on: Change) => {
    if (!c.dependsOn.includes(on.key)) c.dependsOn.push(on.key);
  };

  // "defaultGateway … required if this is the first IPv4 interface" (SPEC142): on a switch, interfaces
  // created without a gateway go with or after those created with one.
  for (const i of interfaces.filter((c) => c.op === "create")) {
    const ip = propsOf.get(i.key);
    if (ip.defaultGateway !== undefined) continue;
    for (const g of interfaces) if (g.op === "create" && g !== i && propsOf.get(g.key).serial === ip.serial && propsOf.get(g.key).defaultGateway !== undefined) add(i, g);
  }

  for (const r of routes) {
    const rp = propsOf.get(r.key);
    for (const i of interfaces) {
      const ip = propsOf.get(i.key);
      if (ip.serial !== rp.serial) continue;
      // Created or moved next to an interface being made or changed: after it.
      if (r.op !== "delete" && i.op !== "delete" && inSubnet(rp.nextHopIp, ip.subnet)) add(r, i);
      // Reached through an interface that goes away or moves: gone or moved before it.
      const liveHop = r.live?.nextHopIp;
      if (liveHop !== undefined && (r.op === "delete" || liveHop !== rp.nextHopIp) && inSubnet(liveHop, i.live?.subnet)) add(i, r);
    }
  }

  const ports = of("switchPort");
  for (const policy of of("switchAccessPolicy").filter((c) => c.op === "delete" && c.id !== undefined)) {
    const networkId = propsOf.get(policy.key).networkId;
    for (const port of ports) {
      if (port.scope?.networkId !== networkId) continue;
      const was = port.live ?? {};
      const now = { ...was, ...body(port) };
      // A port whose number was not read (the program does not manage it) may use the policy: kept before it.
      const uses = (f: Record<string, unknown>) => f.accessPolicyType === "Custom access policy" && (f.accessPolicyNumber === undefined || String(f.accessPolicyNumber) === policy.id);
      if (uses(was) && !(uses(now) && now.accessPolicyNumber !== undefined)) add(policy, port);
    }
  }

  const aggregations = of("linkAggregation");
  for (const split of aggregations.filter((c) => c.op === "delete")) {
    const freed = new Set(linkAggregationMembers(split.live ?? {}).map((m) => `${m.serial}/${m.portId}`));
    for (const other of aggregations) {
      if (other.op === "delete") continue;
      if ((propsOf.get(other.key).switchPorts as Array<{ serial: string; portId: string }>).some((m) => freed.has(`${m.serial}/${m.portId}`))) add(other, split);
    }
  }
}

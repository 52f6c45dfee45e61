/**
 * The campus switching collections of an organization (access policies and link aggregations per
 * network, layer 3 interfaces and static routes per switch), made on first write through the
 * journal so that a rolled-back batch leaves no trace.
 */
import { AccessPolicy, LinkAggregation, OrgState, RoutingInterface, StaticRoute } from "../model";
import { ExecContext } from "./context";

interface Collections {
  accessPolicies: AccessPolicy;
  linkAggregations: LinkAggregation;
  routingInterfaces: RoutingInterface;
  staticRoutes: StaticRoute;
}

type Field = keyof Collections;

/** The collection of `owner` (a network id or a serial); empty and not stored when it was never written. */
export function readCollection<F extends Field>(org: OrgState, field: F, owner: string): Record<string, Collections[F]> {
  const all = org[field] as Record<string, Record<string, Collections[F]>> | undefined;
  return all?.[owner] ?? {};
}

/** The collection of `owner`, made (through the journal) when it does not exist yet. */
export function writableCollection<F extends Field>(ctx: ExecContext, field: F, owner: string): Record<string, Collections[F]> {
  let all = ctx.org[field] as Record<string, Record<string, Collections[F]>> | undefined;
  if (!all) {
    all = {};
    ctx.journal.set(ctx.org as unknown as Record<string, unknown>, field, all);
  }
  let mine = all[owner];
  if (!mine) {
    mine = {};
    ctx.journal.set(all, owner, mine);
  }
  return mine;
}

/** Items in id order: numeric ids numerically (access policy numbers, interface and route ids). */
export function inIdOrder<T>(items: Record<string, T>): T[] {
  const cmp = (a: string, b: string) => {
    if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return Object.keys(items)
    .sort(cmp)
    .map((k) => items[k]);
}

/**
 * Whether a network's MX uses VLANs: /networks/{networkId}/appliance/vlans/settings
 * (`vlansEnabled`, reference §2.2; batchable as `update`). Like device tags it always exists:
 * "create" takes it over. Deleting the resource leaves VLANs as they are unless onDelete says
 * otherwise, since disabling VLANs removes every VLAN of the network.
 *
 * The live value comes from the network's VLAN list, which plans read anyway: the API answers
 * "VLANs are not enabled for this network" when they are off (DOCS Errors.md), so no extra GET.
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { LiveSnapshot } from "../live/snapshot";
import { Change, DeleteSpec, Kind, encode } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

export const vlansSettingsSchema = z
  .object({
    networkId: z.string().min(1, { message: "is required" }),
    vlansEnabled: z.boolean(),
    /** What destroying the resource does: "retain" (default) leaves VLANs as they are. */
    onDelete: z.enum(["restore", "reset", "retain"]).optional(),
  })
  .strict();

export type VlansSettingsProps = z.infer<typeof vlansSettingsSchema>;

/** Side effects stated in the plan (reference §3.1, §6). */
export const ENABLE_NOTES = [
  "enabling VLANs turns the MX's LAN ports into trunks that drop untagged traffic (dashboard-api-ansible#52)",
  "VLAN 1 exists as soon as VLANs are enabled: declare it with adopt: true to manage it (terraform-provider-meraki#86)",
];
export const DISABLE_NOTES = ["disabling VLANs puts the MX back on a single LAN: every VLAN of the network is removed"];

/** A network's VLANs are disabled when nobody changed them (a new MX network has one LAN). */
const FACTORY_VLANS_ENABLED = false;

const key = (p: { networkId: string }) => `vlansSettings/${p.networkId}`;
const describe = (p: { networkId: string }) => `VLAN settings of network ${p.networkId}`;
const resource = (networkId: string) => `/networks/${encode(networkId)}/appliance/vlans/settings`;

/** Whether the network's VLANs are enabled now, or why that cannot be told. */
function liveEnabled(networkId: string, live: LiveSnapshot): { enabled?: boolean; issue?: string } {
  const net = live.networks?.[networkId];
  if (live.networks && !net) return { issue: `network ${networkId} is not in organization ${live.organizationId} (or not visible to this API key)` };
  if (net && !net.productTypes.includes("appliance")) {
    return { issue: `network ${networkId} has no security appliance (its products: ${net.productTypes.join(", ") || "none"}); VLANs are an MX setting` };
  }
  const coll = live.vlans[networkId];
  if (!coll || coll.state === "missing") return { issue: `network ${networkId} was not found` };
  return { enabled: coll.state === "ok" };
}

function change(p: VlansSettingsProps, ctx: PlanContext, op: Change["op"], enabled: boolean | null, target: boolean | null): Change {
  const live = enabled === null ? null : { vlansEnabled: enabled };
  const changes = target !== null && enabled !== null && target !== enabled;
  const actions: Action[] = changes ? [{ resource: resource(p.networkId), operation: "update", body: { vlansEnabled: target } }] : [];
  return {
    key: key(p),
    kind: "vlansSettings",
    name: ctx.name,
    description: describe(p),
    op: changes ? op : "noop",
    fields: changes ? [{ path: "vlansEnabled", old: enabled, new: target }] : [],
    live,
    actions,
    dependsOn: [],
    ...(changes ? { notes: target ? ENABLE_NOTES : DISABLE_NOTES } : {}),
  };
}

export const vlansSettingsKind: KindModule<VlansSettingsProps> = {
  kind: "vlansSettings",
  label: "VlansSettings",
  schema: vlansSettingsSchema,
  key,
  describe,
  needs(p, n) {
    n.networks = true;
    n.vlanNetworks.add(p.networkId);
  },

  plan(p, ctx): KindPlan {
    const { enabled, issue } = liveEnabled(p.networkId, ctx.live);
    if (issue) return { issues: [{ path: "networkId", message: issue }] };
    return { change: change(p, ctx, "update", enabled!, p.vlansEnabled) };
  },

  planDelete(p, spec: DeleteSpec, ctx): KindPlan {
    const mode = spec.onDelete ?? p.onDelete ?? "retain";
    const { enabled } = liveEnabled(p.networkId, ctx.live);
    if (enabled === undefined || mode === "retain") return { change: change(p, ctx, "delete", enabled ?? null, null) };
    const original = typeof spec.original?.vlansEnabled === "boolean" ? spec.original.vlansEnabled : null;
    // restore without a captured original leaves the setting alone rather than guess
    const target = mode === "reset" ? FACTORY_VLANS_ENABLED : original;
    return { change: change(p, ctx, "delete", enabled, target) };
  },

  phase(c) {
    const body = c.actions[0]?.body as { vlansEnabled?: boolean } | undefined;
    return body?.vlansEnabled === false ? PHASE.vlansDisable : PHASE.vlansEnable;
  },
};

/** What the plan needs to know of a resource here: its kind, name and validated props. */
interface Declared {
  module: { kind: Kind; label: string };
  spec: { name: string };
  props: any;
}

/**
 * The live state the other resources are planned against: a network whose VLANs this plan
 * enables has VLAN 1 and nothing else once the enabling applies (TFP#86), so VLAN creates are
 * planned against that instead of failing with "VLANs are not enabled". VLAN 1's settings are
 * unknown until then: a VLAN 1 the program declares is updated with every field it sets.
 */
export function anticipateVlans(items: Declared[], live: LiveSnapshot): LiveSnapshot {
  const enabling = items.filter((i) => i.module.kind === "vlansSettings" && i.props.vlansEnabled === true && live.vlans[i.props.networkId]?.state === "disabled");
  if (!enabling.length) return live;
  const vlans = { ...live.vlans };
  for (const i of enabling) vlans[i.props.networkId] = { state: "ok", vlans: { "1": { id: 1 } } };
  return { ...live, vlans };
}

/**
 * Disabling VLANs (declared, or what deleting a VlansSettings would do) removes every VLAN of the
 * network, so it cannot go with VLANs the program declares on that network.
 */
export function disablingIssues(items: Declared[], changes: Change[], label: (d: Declared) => string): Array<{ resource: string; name: string; path: string; message: string }> {
  const issues: Array<{ resource: string; name: string; path: string; message: string }> = [];
  const vlans = items.filter((i) => i.module.kind === "vlan");
  for (const c of changes) {
    if (c.kind !== "vlansSettings" || (c.actions[0]?.body as { vlansEnabled?: boolean } | undefined)?.vlansEnabled !== false) continue;
    const networkId = c.key.slice("vlansSettings/".length);
    const declared = vlans.filter((v) => v.props.networkId === networkId);
    if (!declared.length) continue;
    const names = declared.map((v) => `${v.module.label} '${v.spec.name}'`).join(", ");
    const owner = items.find((i) => i.module.kind === "vlansSettings" && i.props.networkId === networkId);
    issues.push({
      resource: owner ? label(owner) : `VlansSettings '${c.name}' (${c.description})`,
      name: c.name,
      path: owner ? "vlansEnabled" : "onDelete",
      message: `cannot disable VLANs on network ${networkId} while the program declares VLANs on it (${names}): disabling removes every VLAN of the network`,
    });
  }
  return issues;
}

/**
 * A switch access policy (/networks/{networkId}/switch/accessPolicies[/{accessPolicyNumber}],
 * SPEC142), known by its name on its network. The API numbers policies itself: ports name a
 * policy by that number, so a port that uses a policy created in the same plan waits for the
 * number (a later batch, ARCHITECTURE §17). RADIUS secrets come from the environment
 * (secrets.ts): sent with a create and with any change of the servers, never compared (the API
 * does not return them).
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { LiveRecord, LiveSnapshot } from "../live/snapshot";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, cidr, clean, encode, ipv4, project, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";
import { envPlaceholder, secretField } from "./secrets";

export const HOST_MODES = ["Multi-Auth", "Multi-Domain", "Multi-Host", "Single-Host"] as const;
export const POLICY_TYPES = ["802.1x", "Hybrid authentication", "MAC authentication bypass"] as const;

const vlanId = z.number().int().min(1, { message: "must be between 1 and 4094" }).max(4094, { message: "must be between 1 and 4094" });
const server = z.object({ host: ipv4, port: z.number().int().min(1).max(65535, { message: "must be a UDP port 1-65535" }), secret: secretField }).strict();

export const accessPolicySchema = z
  .object({
    networkId: z.string().min(1, { message: "is required" }),
    // "Name of the access policy (max length 255)" (PYSDK)
    name: z.string().min(1, { message: "must not be empty" }).max(255, { message: "must be at most 255 characters" }),
    /** RADIUS servers; an empty list is Meraki authentication (SPEC142). */
    radiusServers: z.array(server),
    hostMode: z.enum(HOST_MODES),
    accessPolicyType: z.enum(POLICY_TYPES).optional(),
    // Required by the API on create; false unless given (the defaults meraki-batch sends).
    radiusTestingEnabled: z.boolean().default(false),
    radiusCoaSupportEnabled: z.boolean().default(false),
    radiusAccountingEnabled: z.boolean().default(false),
    urlRedirectWalledGardenEnabled: z.boolean().default(false),
    radius: z
      .object({
        criticalAuth: z.object({ dataVlanId: vlanId.nullable().optional(), voiceVlanId: vlanId.nullable().optional(), suspendPortBounce: z.boolean().optional() }).strict().optional(),
        failedAuthVlanId: vlanId.nullable().optional(),
        reAuthenticationInterval: z.number().int().min(1).nullable().optional(),
      })
      .strict()
      .optional(),
    guestPortBouncing: z.boolean().optional(),
    radiusAccountingServers: z.array(server).optional(),
    radiusGroupAttribute: z.enum(["", "11"]).optional(),
    increaseAccessSpeed: z.boolean().optional(),
    guestVlanId: vlanId.nullable().optional(),
    dot1x: z.object({ controlDirection: z.enum(["both", "inbound"]) }).strict().optional(),
    voiceVlanClients: z.boolean().optional(),
    urlRedirectWalledGardenRanges: z.array(cidr).optional(),
    /** Take over a policy of this name that already exists (a Pulumi create otherwise refuses it). */
    adopt: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: "custom", path, message });
    // What the API sets by itself (SPEC142): a program saying otherwise could never converge.
    if (p.hostMode === "Multi-Domain") {
      if (p.accessPolicyType !== undefined && p.accessPolicyType !== "Hybrid authentication") issue(["accessPolicyType"], "is always 'Hybrid authentication' when hostMode is 'Multi-Domain' (the API sets it)");
      if (p.voiceVlanClients === false) issue(["voiceVlanClients"], "is always true when hostMode is 'Multi-Domain' (the API sets it)");
    }
    if (p.hostMode === "Multi-Auth") {
      const r = p.radius;
      const set = (v: unknown) => v !== undefined && v !== null;
      if (set(r?.criticalAuth?.dataVlanId)) issue(["radius", "criticalAuth", "dataVlanId"], "is always null when hostMode is 'Multi-Auth' (the API clears it)");
      if (set(r?.criticalAuth?.voiceVlanId)) issue(["radius", "criticalAuth", "voiceVlanId"], "is always null when hostMode is 'Multi-Auth' (the API clears it)");
      if (set(r?.failedAuthVlanId)) issue(["radius", "failedAuthVlanId"], "is always null when hostMode is 'Multi-Auth' (the API clears it)");
      if (set(r?.reAuthenticationInterval)) issue(["radius", "reAuthenticationInterval"], "is always null when hostMode is 'Multi-Auth' (the API clears it)");
    }
  });

export type AccessPolicyProps = z.infer<typeof accessPolicySchema>;
export type AccessPolicyArgs = z.input<typeof accessPolicySchema>;

const KEY_FIELDS = ["networkId", "adopt"];
const SERVER_FIELDS = ["radiusServers", "radiusAccountingServers"] as const;

const key = (p: { networkId: string; name: string }) => `switchAccessPolicy/${p.networkId}/${p.name}`;
const describe = (p: { networkId: string; name: string }) => `access policy '${p.name}' on network ${p.networkId}`;
const collection = (networkId: string) => `/networks/${encode(networkId)}/switch/accessPolicies`;

/** Servers as compared: host and port (the secret is write-only). */
const comparableServers = (list: unknown) => (Array.isArray(list) ? list.map((s: Record<string, unknown>) => ({ host: s.host, port: s.port })) : list);

function desiredView(p: AccessPolicyProps): Record<string, unknown> {
  const out = without(p, [...KEY_FIELDS, "name"]);
  for (const f of SERVER_FIELDS) if (out[f] !== undefined) out[f] = comparableServers(out[f]);
  return clean(out);
}

function liveView(live: LiveRecord, desired: Record<string, unknown>): Record<string, unknown> {
  const normalised = { ...live };
  for (const f of SERVER_FIELDS) if (normalised[f] !== undefined) normalised[f] = comparableServers(normalised[f]);
  return project(normalised, desired) as Record<string, unknown>;
}

/** The value sent for a field: servers with their secrets as environment placeholders. */
function sent(p: AccessPolicyProps, field: string): unknown {
  const v = (p as Record<string, unknown>)[field];
  if ((SERVER_FIELDS as readonly string[]).includes(field) && Array.isArray(v)) {
    return v.map((s: { host: string; port: number; secret: { fromEnv: string } }) => ({ host: s.host, port: s.port, secret: envPlaceholder(s.secret) }));
  }
  return v;
}

/** The live policies of the network named as this one, or why none can be told apart. */
export function livePolicy(p: { networkId: string; name: string }, live: LiveSnapshot): { policy?: LiveRecord; issue?: string } {
  const named = (live.accessPolicies?.[p.networkId] ?? []).filter((x) => x.name === p.name);
  if (named.length > 1) {
    return { issue: `${named.length} access policies on network ${p.networkId} are named '${p.name}' (numbers ${named.map((x) => String(x.accessPolicyNumber)).join(", ")}): rename all but one in the Dashboard to manage it` };
  }
  return { policy: named[0] };
}

/** Why policies cannot be planned on this network, if they cannot. */
export function switchNetworkIssue(networkId: string, live: LiveSnapshot): string | undefined {
  const n = live.networks?.[networkId];
  if (live.networks && !n) return `network ${networkId} is not in organization ${live.organizationId} (or not visible to this API key)`;
  if (n && !n.productTypes.includes("switch")) return `network ${networkId} has no switches (its products: ${n.productTypes.join(", ") || "none"})`;
  return undefined;
}

function change(p: AccessPolicyProps, ctx: PlanContext, op: Change["op"], fields: Change["fields"], live: LiveRecord | null, actions: Action[], id?: unknown): Change {
  const c: Change = { key: key(p), kind: "switchAccessPolicy", name: ctx.name, description: describe(p), op, fields, live, actions, dependsOn: [] };
  if (id !== undefined && id !== null) c.id = String(id);
  return c;
}

export const accessPolicyKind: KindModule<AccessPolicyProps> = {
  kind: "switchAccessPolicy",
  label: "SwitchAccessPolicy",
  schema: accessPolicySchema,
  key,
  describe,
  outputs: { accessPolicyNumber: "number" },
  needs(p, n) {
    n.networks = true;
    n.accessPolicyNetworks.add(p.networkId);
  },
  liveId(p, live) {
    const found = livePolicy(p, live).policy;
    return found ? String(found.accessPolicyNumber) : undefined;
  },

  plan(p, ctx): KindPlan {
    const wrong = switchNetworkIssue(p.networkId, ctx.live);
    if (wrong) return { issues: [{ path: "networkId", message: wrong }] };
    const { policy: live, issue } = livePolicy(p, ctx.live);
    if (issue) return { issues: [{ path: "name", message: issue }] };
    const desired = desiredView(p);
    if (!live) {
      const body: Record<string, unknown> = { name: p.name };
      for (const f of Object.keys(desired)) body[f] = sent(p, f);
      const fields = Object.entries({ name: p.name, ...desired }).map(([path, v]) => ({ path, old: null, new: v }));
      return { change: change(p, ctx, "create", fields, null, [{ resource: collection(p.networkId), operation: "create", body }]) };
    }
    if (ctx.intent === "create" && !p.adopt) {
      return { issues: [{ path: "name", message: `an access policy named '${p.name}' already exists on network ${p.networkId} (number ${String(live.accessPolicyNumber)}): set adopt: true to manage it` }] };
    }
    const view = liveView(live, desired);
    const fields = fieldChanges(view, desired);
    const id = live.accessPolicyNumber;
    if (!fields.length) return { change: change(p, ctx, "noop", [], view, [], id) };
    const body: Record<string, unknown> = {};
    for (const f of new Set(fields.map((c) => c.path.split(".")[0]))) body[f] = sent(p, f);
    return { change: change(p, ctx, "update", fields, view, [{ resource: `${collection(p.networkId)}/${encode(String(id))}`, operation: "update", body }], id) };
  },

  planDelete(p, _spec: DeleteSpec, ctx): KindPlan {
    const live = livePolicy(p, ctx.live).policy;
    if (!live) return { change: change(p, ctx, "noop", [], null, []) };
    const view = liveView(live, desiredView(p));
    const id = live.accessPolicyNumber;
    return { change: change(p, ctx, "delete", [{ path: "name", old: p.name, new: null }], view, [{ resource: `${collection(p.networkId)}/${encode(String(id))}`, operation: "destroy" }], id) };
  },

  phase(c) {
    return c.op === "delete" ? PHASE.accessPolicyDestroy : PHASE.accessPolicyUpsert;
  },
};

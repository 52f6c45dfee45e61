/** What an import covers: the networks, devices and kinds asked for, checked against the organization. */
import { MerakiBatchError } from "../errors";
import { LiveDevice, LiveNetwork } from "../live/snapshot";
import { naturalCompare } from "../plan/order";

export const IMPORT_KINDS_ALL = ["vlans", "tags", "ports", "devices", "policies", "aggregations", "routing"] as const;
export type ImportKind = (typeof IMPORT_KINDS_ALL)[number];

export interface Selection {
  /** Only these networks (default: every network, or the networks of `serials`). */
  networks?: string[];
  /** Only these devices (default: every device of the selected networks). */
  serials?: string[];
  kinds?: ImportKind[];
}

export interface Scope {
  organizationId: string;
  kinds: ImportKind[];
  /** Selected networks, in a stable order. */
  networkIds: string[];
  /** Selected devices, in a stable order. */
  serials: string[];
  /** Networks whose VLANs are read: selected, with an appliance, when VLANs are imported. */
  vlanNetworks: string[];
  /** Devices whose ports are read: selected switches, when ports are imported. */
  switches: string[];
  /** Networks whose access policies / link aggregations are read: selected, with switches, when imported. */
  policyNetworks: string[];
  aggregationNetworks: string[];
  /** Switches whose layer 3 interfaces (with DHCP) and static routes are read, when routing is imported. */
  routingSwitches: string[];
}

/** Parses a --kinds value ("vlans,tags"). */
export function parseKinds(text: string): ImportKind[] {
  const parts = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(IMPORT_KINDS_ALL as readonly string[]).includes(p));
  if (bad.length || !parts.length) {
    throw new MerakiBatchError("CONFIG_INVALID", `--kinds must be a comma-separated list of ${IMPORT_KINDS_ALL.join(", ")}${bad.length ? `, got '${bad.join("', '")}'` : ""}`);
  }
  return IMPORT_KINDS_ALL.filter((k) => parts.includes(k));
}

const byNameThenId = (a: { name?: string | null; id: string }, b: { name?: string | null; id: string }) =>
  naturalCompare(a.name ?? "", b.name ?? "") || naturalCompare(a.id, b.id);

/** Resolves a selection against the organization's networks and devices; unknown ids are errors. */
export function resolveScope(organizationId: string, networks: Record<string, LiveNetwork>, devices: Record<string, LiveDevice>, sel: Selection): Scope {
  const kinds = sel.kinds?.length ? IMPORT_KINDS_ALL.filter((k) => sel.kinds!.includes(k)) : [...IMPORT_KINDS_ALL];
  const notIn = (what: string, id: string) => new MerakiBatchError("NOT_FOUND", `${what} ${id} is not in organization ${organizationId} (or not visible to this API key)`);
  for (const id of sel.networks ?? []) if (!networks[id]) throw notIn("network", id);
  for (const s of sel.serials ?? []) if (!devices[s]) throw notIn("device", s);

  let networkIds: string[];
  if (sel.networks?.length) networkIds = [...new Set(sel.networks)];
  else if (sel.serials?.length) networkIds = [...new Set(sel.serials.map((s) => devices[s].networkId).filter((n): n is string => !!n && !!networks[n]))];
  else networkIds = Object.keys(networks);
  networkIds.sort((a, b) => byNameThenId({ name: networks[a].name, id: a }, { name: networks[b].name, id: b }));

  let serials: string[];
  if (sel.serials?.length) {
    serials = [...new Set(sel.serials)];
    if (sel.networks?.length) {
      const outside = serials.find((s) => !networkIds.includes(devices[s].networkId ?? ""));
      if (outside) {
        const net = devices[outside].networkId;
        throw new MerakiBatchError("CONFIG_INVALID", `device ${outside} is ${net ? `in network ${net}` : "not in a network"}, not in the networks given with --network`);
      }
    }
  } else {
    const all = !sel.networks?.length;
    serials = Object.keys(devices).filter((s) => all || networkIds.includes(devices[s].networkId ?? ""));
  }
  const netOrder = new Map(networkIds.map((n, i) => [n, i]));
  serials.sort(
    (a, b) =>
      (netOrder.get(devices[a].networkId ?? "") ?? networkIds.length) - (netOrder.get(devices[b].networkId ?? "") ?? networkIds.length) ||
      byNameThenId({ name: devices[a].name, id: a }, { name: devices[b].name, id: b }),
  );

  return {
    organizationId,
    kinds,
    networkIds,
    serials,
    vlanNetworks: kinds.includes("vlans") ? networkIds.filter((n) => networks[n].productTypes.includes("appliance")) : [],
    switches: kinds.includes("ports") ? serials.filter((s) => devices[s].productType === "switch") : [],
    policyNetworks: kinds.includes("policies") ? networkIds.filter((n) => networks[n].productTypes.includes("switch")) : [],
    aggregationNetworks: kinds.includes("aggregations") ? networkIds.filter((n) => networks[n].productTypes.includes("switch")) : [],
    routingSwitches: kinds.includes("routing") ? serials.filter((s) => devices[s].productType === "switch") : [],
  };
}

/**
 * What the program owns (ARCHITECTURE §18), pure. The CLI keeps no state, so it cannot know what
 * a program used to declare; instead:
 * - the live objects in the program's scope that it does not declare are named in a short note:
 *   the VLANs of each network whose VLANs the plan reads, and the ports of each switch it
 *   configures that have non-default fields no resource manages (those an import would declare:
 *   not what the API keeps but would not take back). Never changes.
 * - a declaration (the SDK's VlanOwnership) makes a network's VLANs the program's: the live VLANs
 *   it does not declare are planned as deletes, ordinary changes of the plan (shown, digested,
 *   checked against the live network, applied in batches).
 * - a port that refers to a VLAN declared nowhere in the program and absent from its network's
 *   appliance gets a warning (switch VLANs need not exist on the MX, so it is not an error).
 *
 * Pulumi stacks delete by their state: the provider does not use this.
 */
import { deriveFields, IMPORT_KINDS, nothingBeyond } from "../import/fields";
import { ValidationIssue } from "../errors";
import { LiveNeeds, LiveSnapshot } from "../live/snapshot";
import { DeleteSpec } from "../resources/common";
import { portRuleIssues } from "../resources/switch-port";
import type { Validated, ValidatedDelete } from "./plan";

/** A declaration as the program made it (unvalidated). */
export interface OwnershipSpec {
  /** The declaration's name in the program. */
  name: string;
  /** What it owns: every VLAN of this network. */
  networkId: unknown;
}

export interface Ownership {
  name: string;
  networkId: string;
}

/** One scope's live objects that the program does not declare. */
export interface UndeclaredNote {
  kind: "vlans" | "ports";
  /** The network (VLANs) or switch (ports). */
  scope: string;
  /** VLAN or port ids, in order. */
  ids: string[];
  /** Ports: the non-default fields no resource manages, over all of them. */
  fields?: string[];
}

/** What a plan made from a whole program adds (presentational: the deletes are in its changes). */
export interface OwnershipReport {
  owned: Ownership[];
  undeclared: UndeclaredNote[];
  warnings: string[];
}

export const OWNERSHIP_LABEL = "VlanOwnership";

/** Declarations with a network id; the others are issues. Repeats of a network are one scope. */
export function validateOwnership(specs: OwnershipSpec[], issues: ValidationIssue[]): Ownership[] {
  const out = new Map<string, Ownership>();
  for (const s of specs) {
    if (typeof s.networkId !== "string" || !s.networkId) {
      issues.push({ resource: `${OWNERSHIP_LABEL} '${s.name}'`, name: s.name, path: "networkId", message: "is required (the network whose VLANs the program owns)" });
      continue;
    }
    if (!out.has(s.networkId)) out.set(s.networkId, { name: s.name, networkId: s.networkId });
  }
  return [...out.values()];
}

/** The owned networks' VLANs (and the networks, to know they exist) are read with the rest. */
export function ownershipNeeds(owned: Ownership[], needs: LiveNeeds): void {
  for (const o of owned) {
    needs.networks = true;
    needs.vlanNetworks.add(o.networkId);
  }
}

/** Owned networks the organization does not have. */
export function ownershipIssues(owned: Ownership[], live: LiveSnapshot): ValidationIssue[] {
  return owned
    .filter((o) => (live.networks && !live.networks[o.networkId]) || live.vlans[o.networkId]?.state === "missing")
    .map((o) => ({ resource: `${OWNERSHIP_LABEL} '${o.name}' (network ${o.networkId})`, name: o.name, path: "networkId", message: `network ${o.networkId} is not in organization ${live.organizationId} (or not visible to this API key)` }));
}

const byNumber = (a: string, b: string) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);

/** Live VLAN ids of a network that no Vlan (or explicit delete) of the plan names; null when its VLANs were not read. */
function undeclaredVlans(networkId: string, items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot): string[] | null {
  const coll = live.vlans[networkId];
  if (coll?.state !== "ok") return null;
  const named = new Set([...items, ...removals].filter((i) => i.module.kind === "vlan" && i.props.networkId === networkId).map((i) => String(Number(i.props.vlanId))));
  return Object.keys(coll.vlans).filter((id) => !named.has(String(Number(id)))).sort(byNumber);
}

/** The deletes an owned network's undeclared VLANs become: identity plus the fields a Vlan would declare. */
export function undeclaredDeletes(owned: Ownership[], items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot): DeleteSpec[] {
  const out: DeleteSpec[] = [];
  for (const o of owned) {
    const coll = live.vlans[o.networkId];
    for (const id of undeclaredVlans(o.networkId, items, removals, live) ?? []) {
      const vlan = coll?.state === "ok" ? coll.vlans[id] : undefined;
      const { fields } = deriveFields(IMPORT_KINDS.vlan, vlan ?? {});
      out.push({
        kind: "vlan",
        name: `undeclared-vlan-${id}`,
        props: { networkId: o.networkId, vlanId: Number(id), ...fields },
        reason: `not declared by the program, and ${OWNERSHIP_LABEL} '${o.name}' makes every VLAN of network ${o.networkId} the program's`,
      });
    }
  }
  return out;
}

/** "1-4, 7, 9-10" */
export function idRanges(ids: string[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && /^\d+$/.test(ids[j + 1]) && Number(ids[j + 1]) === Number(ids[j]) + 1) j++;
    parts.push(j > i ? `${ids[i]}-${ids[j]}` : ids[i]);
    i = j + 1;
  }
  return parts.join(", ");
}

const PORT_KEY_FIELDS = new Set(["serial", "portId", "onDelete"]);

/** Per switch the program configures: ports with non-default fields that no SwitchPort manages. */
function undeclaredPorts(items: Validated[], live: LiveSnapshot): UndeclaredNote[] {
  const managed = new Map<string, Map<string, Set<string>>>();
  for (const i of items.filter((x) => x.module.kind === "switchPort")) {
    const serial = String(i.props.serial);
    if (!managed.has(serial)) managed.set(serial, new Map());
    const ports = managed.get(serial)!;
    const fields = ports.get(String(i.props.portId)) ?? new Set<string>();
    for (const f of Object.keys(i.props)) if (!PORT_KEY_FIELDS.has(f)) fields.add(f);
    ports.set(String(i.props.portId), fields);
  }
  const notes: UndeclaredNote[] = [];
  for (const [serial, ports] of [...managed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const livePorts = live.ports[serial];
    if (!livePorts) continue;
    const ids: string[] = [];
    const fields = new Set<string>();
    for (const id of Object.keys(livePorts).sort(byNumber)) {
      const own = ports.get(id) ?? new Set<string>();
      if (nothingBeyond(IMPORT_KINDS.switchPort, livePorts[id], own)) continue;
      // What an import would declare (provider/import/model.ts): non-default, and what the port takes back.
      const { fields: declarable } = deriveFields(IMPORT_KINDS.switchPort, livePorts[id]);
      const refused = new Set(portRuleIssues(declarable, livePorts[id]).map((i) => i.path));
      const loose = Object.keys(declarable).filter((f) => !own.has(f) && !refused.has(f));
      if (!loose.length) continue;
      ids.push(id);
      loose.forEach((f) => fields.add(f));
    }
    if (ids.length) notes.push({ kind: "ports", scope: serial, ids, fields: [...fields].sort() });
  }
  return notes;
}

/**
 * Ports whose vlan or voiceVlan no Vlan of the program declares and their network's appliance
 * does not have; the ports of a switch with the same one share a line.
 */
function portVlanWarnings(items: Validated[], live: LiveSnapshot): string[] {
  const declared = new Set(items.filter((i) => i.module.kind === "vlan").map((i) => Number(i.props.vlanId)));
  const groups = new Map<string, { serial: string; field: string; id: number; networkId: string; ports: string[] }>();
  for (const i of items.filter((x) => x.module.kind === "switchPort")) {
    const serial = String(i.props.serial);
    const networkId = live.devices?.[serial]?.networkId ?? live.portSources?.[serial]?.networkId;
    const coll = networkId ? live.vlans[networkId] : undefined;
    // Only where the network's appliance VLANs were read: elsewhere nothing says the VLAN is missing.
    if (!networkId || coll?.state !== "ok") continue;
    for (const field of ["vlan", "voiceVlan"]) {
      const id = i.props[field];
      if (typeof id !== "number" || declared.has(id) || coll.vlans[String(id)]) continue;
      const key = JSON.stringify([serial, field, id]);
      const g = groups.get(key) ?? { serial, field, id, networkId, ports: [] };
      g.ports.push(String(i.props.portId));
      groups.set(key, g);
    }
  }
  // By switch and first port, whatever order the program registered its resources in.
  const ordered = [...groups.values()].map((g) => ({ ...g, ports: g.ports.sort(byNumber) })).sort((a, b) => a.serial.localeCompare(b.serial) || byNumber(a.ports[0], b.ports[0]) || a.field.localeCompare(b.field));
  return ordered.map((g) => {
    const ports = g.ports;
    return `${ports.length === 1 ? "port" : "ports"} ${idRanges(ports)} of switch ${g.serial}: ${g.field} ${g.id} is declared nowhere in the program and is not a VLAN of network ${g.networkId}'s appliance`;
  });
}

/** The note, the warnings and the owned scopes of a plan made from a whole program. */
export function ownershipReport(owned: Ownership[], items: Validated[], removals: ValidatedDelete[], live: LiveSnapshot): OwnershipReport {
  const ownedNetworks = new Set(owned.map((o) => o.networkId));
  const networks = new Set([...items, ...removals].filter((i) => i.module.kind === "vlan" || i.module.kind === "vlansSettings").map((i) => String(i.props.networkId)));
  const undeclared: UndeclaredNote[] = [];
  for (const networkId of [...networks].sort()) {
    if (ownedNetworks.has(networkId)) continue; // its undeclared VLANs are deletes
    const ids = undeclaredVlans(networkId, items, removals, live);
    if (ids?.length) undeclared.push({ kind: "vlans", scope: networkId, ids });
  }
  undeclared.push(...undeclaredPorts(items, live));
  return { owned, undeclared, warnings: portVlanWarnings(items, live) };
}

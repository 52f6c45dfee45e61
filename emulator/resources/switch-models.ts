/**
 * Which ports a switch model has and what link speeds each can be set to
 * (`linkNegotiationCapabilities`). The API returns the capabilities per port; no source publishes
 * them per model ("Meraki doesn't seem to publish these", ansible-meraki#452), so the lists are
 * assembled from real responses and reports (docs/emulator.md, "Link negotiation"):
 *
 * - 1G copper: ansible-meraki#342 (a real GET: auto, 1G forced, 100M auto/forced, 10M auto/forced)
 *   plus the spec's own example "1 Gigabit full duplex (auto)" (SPEC142 getDeviceSwitchPort).
 * - 1G SFP: ansible-meraki#331 (a real GET of an uplink: auto, 1G auto, 1G forced).
 * - 10G SFP+: ansible-meraki#451/#452 (an MS355's uplink choices, without the multigigabit speeds).
 */

export const AUTO = "Auto negotiate";

const COPPER_1G = [
  AUTO,
  "1 Gigabit full duplex (auto)",
  "1 Gigabit full duplex (forced)",
  "100 Megabit (auto)",
  "100 Megabit full duplex (forced)",
  "10 Megabit (auto)",
  "10 Megabit full duplex (forced)",
];
const SFP_1G = [AUTO, "1 Gigabit full duplex (auto)", "1 Gigabit full duplex (forced)"];
const SFP_10G = [...SFP_1G, "10 Gigabit full duplex (auto)", "10 Gigabit full duplex (forced)"];

export const PORT_CAPABILITIES = { copper1g: COPPER_1G, sfp1g: SFP_1G, sfp10g: SFP_10G } as const;
export type PortKind = keyof typeof PORT_CAPABILITIES;

/** Uplink modules by model family: how many uplink ports follow the access ports, and their kind. */
const FAMILIES: Record<string, { uplinks: Record<number, number>; kind: PortKind }> = {
  MS120: { uplinks: { 8: 2, 24: 4, 48: 4 }, kind: "sfp1g" },
  MS125: { uplinks: { 24: 4, 48: 4 }, kind: "sfp10g" },
  MS210: { uplinks: { 24: 4, 48: 4 }, kind: "sfp1g" },
  MS220: { uplinks: { 8: 2, 24: 4, 48: 4 }, kind: "sfp1g" },
  MS225: { uplinks: { 24: 4, 48: 4 }, kind: "sfp10g" },
  MS250: { uplinks: { 24: 4, 48: 4 }, kind: "sfp10g" },
  MS350: { uplinks: { 24: 4, 48: 4 }, kind: "sfp10g" },
};

export interface PortLayout {
  portId: string;
  kind: PortKind;
}

/**
 * The ports of a model, in port order: "MS225-48LP" has 48 copper ports and 4 SFP+ uplinks
 * (49-52). A model the table does not know gets the copper ports its name counts (48 when it names
 * none) and no uplinks.
 */
export function portLayout(model: string): PortLayout[] {
  const m = /^(MS\d{3})-(\d+)/.exec(model);
  const access = m ? Number(m[2]) : 48;
  const family = m ? FAMILIES[m[1]] : undefined;
  const uplinks = family?.uplinks[access] ?? 0;
  const out: PortLayout[] = [];
  for (let p = 1; p <= access; p++) out.push({ portId: String(p), kind: "copper1g" });
  for (let p = 1; p <= uplinks; p++) out.push({ portId: String(access + p), kind: family!.kind });
  return out;
}

const kindsByModel = new Map<string, Map<string, PortKind>>();

/** The link negotiation values a port of `model` accepts (copper when the port is not in the layout). */
export function capabilities(model: string, portId: string): string[] {
  let kinds = kindsByModel.get(model);
  if (!kinds) {
    kinds = new Map(portLayout(model).map((p) => [p.portId, p.kind]));
    kindsByModel.set(model, kinds);
  }
  return [...PORT_CAPABILITIES[kinds.get(portId) ?? "copper1g"]];
}

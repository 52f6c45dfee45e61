import * as pulumi from "@pulumi/pulumi";
import { expandVlanRanges, parseVlanList } from "../lib/vlan-list";
import { SwitchPort, SwitchPortArgs } from "./switch-port";

/**
 * Port ids from a range expression: "1-24,48" → ["1", …, "24", "48"]. Same syntax as
 * allowedVlans (ids and ascending ranges).
 */
export function portRange(expression: string): string[] {
  const parsed = parseVlanList(expression);
  if (!parsed.ok || parsed.value === "all") throw new Error(`invalid port range '${expression}': expected ids and ranges such as "1-24,48"`);
  return expandVlanRanges(parsed.value).map(String);
}

/**
 * One SwitchPort per port in `ports`, all with the same settings, named `${name}-${portId}`.
 * `settings` may be a function of the port id, for per-port names.
 */
export function switchPorts(
  name: string,
  args: { serial: pulumi.Input<string>; ports: string | string[] },
  settings: Omit<SwitchPortArgs, "serial" | "portId"> | ((portId: string) => Omit<SwitchPortArgs, "serial" | "portId">),
  opts?: pulumi.CustomResourceOptions,
): SwitchPort[] {
  const ids = Array.isArray(args.ports) ? args.ports : portRange(args.ports);
  return ids.map((portId) => new SwitchPort(`${name}-${portId}`, { serial: args.serial, portId, ...(typeof settings === "function" ? settings(portId) : settings) }, opts));
}

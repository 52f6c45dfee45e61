import * as pulumi from "@pulumi/pulumi";
import { expandVlanRanges, parseVlanList } from "../lib/vlan-list";
import { PortFields, SwitchPorts } from "./switch-ports";
import { Inputs } from "./types";

/**
 * Port ids from a range expression: "1-24,48" → ["1", …, "24", "48"]. Same syntax as
 * allowedVlans (ids and ascending ranges).
 */
export function portRange(expression: string): string[] {
  const parsed = parseVlanList(expression);
  if (!parsed.ok || parsed.value === "all") throw new Error(`invalid port range '${expression}': expected ids and ranges such as "1-24,48"`);
  return expandVlanRanges(parsed.value).map(String);
}

type Settings = Inputs<PortFields>;

/**
 * T with no field a port does not have: TypeScript does not check the object a callback returns for
 * unknown fields (as it checks an object literal argument), so a misspelt field there ('voiceVlna')
 * is a type error only through this.
 */
type OnlyPortFields<T> = T & { [K in Exclude<keyof T, keyof Settings>]: never };

/**
 * The ports of one switch as one SwitchPorts resource, all with `settings`, which may be a function
 * of the port id for per-port values (names, say). Fields with the same value on every port are
 * shared; the others become per-port overrides.
 */
export function switchPorts<T extends Settings>(
  name: string,
  args: { serial: pulumi.Input<string>; ports: string | Array<string | number>; onDelete?: pulumi.Input<"restore" | "reset" | "retain"> },
  settings: Settings | ((portId: string) => OnlyPortFields<T>),
  opts?: pulumi.CustomResourceOptions,
): SwitchPorts {
  if (typeof settings !== "function") return new SwitchPorts(name, { ...settings, serial: args.serial, ports: args.ports, onDelete: args.onDelete }, opts);
  const ids = Array.isArray(args.ports) ? args.ports.map(String) : portRange(args.ports);
  const each = new Map(ids.map((id) => [id, settings(id)]));
  const fields = new Set([...each.values()].flatMap((s) => Object.keys(s).filter((k) => (s as Record<string, unknown>)[k] !== undefined)));
  const shared: Record<string, unknown> = {};
  for (const f of fields) {
    const values = ids.map((id) => (each.get(id) as Record<string, unknown>)[f]);
    if (values.every((v) => same(v, values[0]))) shared[f] = values[0];
  }
  const overrides: Record<string, Record<string, unknown>> = {};
  for (const id of ids) {
    const own = Object.fromEntries(Object.entries(each.get(id) as Record<string, unknown>).filter(([k, v]) => v !== undefined && !(k in shared)));
    if (Object.keys(own).length) overrides[id] = own;
  }
  return new SwitchPorts(
    name,
    { ...(shared as Settings), serial: args.serial, ports: args.ports, onDelete: args.onDelete, ...(Object.keys(overrides).length ? { overrides } : {}) },
    opts,
  );
}

/** The same value: the same object (an Output), or equal plain data. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (pulumi.Output.isInstance(a) || pulumi.Output.isInstance(b)) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

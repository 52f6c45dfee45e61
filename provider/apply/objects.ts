/**
 * What a batch action touches, in terms that let two batches be compared: the Meraki object it
 * writes (a VLAN, a device, a switch port) and whether two actions are the same action. Foreign
 * batches may use the documentation's v0 paths or the Python SDK's forms, so those are read too.
 */
import { isDeepStrictEqual } from "util";
import { Action } from "../dashboard/batches";

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** The path without query, trailing slashes or URL escapes. */
export function normaliseResource(resource: string): string {
  return decode(resource.split("?")[0].replace(/\/+$/, ""));
}

const RULES: Array<[RegExp, (m: RegExpExecArray, a: Action) => string[]]> = [
  [/^\/networks\/([^/]+)\/(?:appliance\/)?vlans\/settings$/, (m) => [`vlansSettings/${m[1]}`]],
  [/^\/networks\/([^/]+)\/vlansEnabledState$/, (m) => [`vlansSettings/${m[1]}`]],
  [/^\/networks\/([^/]+)\/(?:appliance\/)?vlans$/, (m, a) => (a.body && a.body.id !== undefined ? [`vlan/${m[1]}/${Number(a.body.id)}`] : [`vlan/${m[1]}/*`])],
  [/^\/networks\/([^/]+)\/(?:appliance\/)?vlans\/([^/]+)$/, (m) => [`vlan/${m[1]}/${Number(m[2])}`]],
  [/^\/devices\/([^/]+)$/, (m) => [`device/${m[1]}`]],
  [/^\/networks\/[^/]+\/devices\/([^/]+)$/, (m) => [`device/${m[1]}`]],
  [/^\/devices\/([^/]+)\/switch\/ports\/cycle$/, () => []],
  [/^\/devices\/([^/]+)\/switch\/ports$/, () => []],
  [/^\/devices\/([^/]+)\/switch\/ports\/([^/]+)$/, (m) => [`port/${m[1]}/${m[2]}`]],
  [/^\/devices\/([^/]+)\/switchPorts\/([^/]+)$/, (m) => [`port/${m[1]}/${m[2]}`]],
];

/** The objects an action writes, e.g. ["port/Q2XX-…/5"]; an unknown resource is its own object. */
export function objectKeys(action: Action): string[] {
  const path = normaliseResource(action.resource);
  if (action.operation === "cycle") return [];
  for (const [re, keys] of RULES) {
    const m = re.exec(path);
    if (m) return keys(m, action);
  }
  return [`other:${path}`];
}

/** Whether two object keys can be the same object (a VLAN create without an id matches any VLAN of its network). */
export function sameObject(a: string, b: string): boolean {
  if (a === b) return true;
  const wild = (x: string, y: string) => x.endsWith("/*") && y.startsWith(x.slice(0, -1));
  // Enabling or disabling VLANs changes every VLAN of the network.
  const settings = (x: string, y: string) => x.startsWith("vlansSettings/") && y.startsWith(`vlan/${x.slice("vlansSettings/".length)}/`);
  return wild(a, b) || wild(b, a) || settings(a, b) || settings(b, a);
}

/** The same write: operation, resource (normalised) and body. */
export function sameAction(a: Action, b: Action): boolean {
  return a.operation === b.operation && normaliseResource(a.resource) === normaliseResource(b.resource) && isDeepStrictEqual(a.body ?? {}, b.body ?? {});
}

export function sameActions(a: Action[], b: Action[]): boolean {
  return a.length === b.length && a.every((x, i) => sameAction(x, b[i]));
}

/** The object keys a list of actions touches. */
export function touched(actions: Action[]): Set<string> {
  const out = new Set<string>();
  for (const a of actions) for (const k of objectKeys(a)) out.add(k);
  return out;
}

/** The keys of `mine` that `theirs` also touches. */
export function overlap(mine: Set<string>, theirs: Set<string>): string[] {
  const out: string[] = [];
  for (const m of mine) {
    for (const t of theirs) {
      if (sameObject(m, t)) {
        out.push(m);
        break;
      }
    }
  }
  return out.sort();
}

/** "port 5 of switch Q2XX-…", "VLAN 30 on network N_…", "device Q2XX-…" */
export function describeObject(key: string): string {
  const [kind, a, b] = key.split("/");
  switch (kind) {
    case "port":
      return `port ${b} of switch ${a}`;
    case "vlan":
      return b === "*" ? `a new VLAN on network ${a}` : `VLAN ${b} on network ${a}`;
    case "vlansSettings":
      return `the VLAN settings of network ${a}`;
    case "device":
      return `device ${a}`;
    default:
      return key.replace(/^other:/, "");
  }
}

/** Compares batch ids: numerically when both are numbers (the API's ids grow as batches are made), else as text. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Which Meraki object a batch action writes, read from its path, written here rather than taken
 * from the engine (provider/apply/objects.ts) so that the checks do not share the code they judge.
 */
export interface ActionLike {
  resource: string;
  operation: string;
  body?: Record<string, unknown>;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** `vlan/NET/ID`, `device/SERIAL`, `port/SERIAL/PORT`, or `other:<path>`. */
export function actionObject(a: ActionLike): string {
  const path = decode(a.resource.split("?")[0].replace(/\/+$/, ""));
  let m = /^\/networks\/([^/]+)\/appliance\/vlans$/.exec(path);
  if (m && a.operation === "create") return `vlan/${m[1]}/${Number(a.body?.id)}`;
  m = /^\/networks\/([^/]+)\/appliance\/vlans\/(\d+)$/.exec(path);
  if (m) return `vlan/${m[1]}/${Number(m[2])}`;
  m = /^\/devices\/([^/]+)\/switch\/ports\/([^/]+)$/.exec(path);
  if (m) return `port/${m[1]}/${m[2]}`;
  m = /^\/devices\/([^/]+)$/.exec(path);
  if (m) return `device/${m[1]}`;
  // Objects the API numbers: a chaos program only creates them, naming them in the body.
  if (a.operation === "create") {
    m = /^\/networks\/([^/]+)\/switch\/accessPolicies$/.exec(path);
    if (m) return `policy/${m[1]}/${String(a.body?.name)}`;
    m = /^\/networks\/([^/]+)\/switch\/linkAggregations$/.exec(path);
    if (m) {
      const members = ((a.body?.switchPorts as Array<{ serial: string; portId: string }>) ?? []).map((x) => `${x.serial}/${x.portId}`).sort((x, y) => x.localeCompare(y, "en", { numeric: true }));
      return `lag/${m[1]}/${members[0]}`;
    }
    m = /^\/devices\/([^/]+)\/switch\/routing\/interfaces$/.exec(path);
    if (m) return `svi/${m[1]}/${Number(a.body?.vlanId)}`;
    m = /^\/devices\/([^/]+)\/switch\/routing\/staticRoutes$/.exec(path);
    if (m) return `route/${m[1]}/${String(a.body?.subnet)}`;
  }
  return `other:${path}`;
}

/** The object of an apply result's resource key (`switchPort/S/P`, `vlan/N/ID`, `deviceTags/S`, …). */
export function keyObject(key: string): string {
  const [kind, a, ...rest] = key.split("/");
  const b = rest.join("/");
  if (kind === "switchPort") return `port/${a}/${b}`;
  if (kind === "deviceTags" || kind === "device") return `device/${a}`;
  if (kind === "vlan") return `vlan/${a}/${b}`;
  if (kind === "switchAccessPolicy") return `policy/${a}/${b}`;
  if (kind === "linkAggregation") return `lag/${a}/${b}`;
  if (kind === "switchRoutingInterface") return `svi/${a}/${b}`;
  if (kind === "switchStaticRoute") return `route/${a}/${b}`;
  return `other:${key}`;
}

/** Canonical text of an action: operation, path, body with sorted keys. */
export function actionText(a: ActionLike): string {
  return `${a.operation} ${decode(a.resource.replace(/\/+$/, ""))} ${stable(a.body ?? {})}`;
}

export function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v as object).sort().map((k) => `${JSON.stringify(k)}:${stable((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}

/** The program marker an action carries (every value a program declares has it), if any. */
export function actionMarker(a: ActionLike): string | undefined {
  const text = JSON.stringify(a.body ?? {});
  const m = /\bp(\d+)\b/.exec(text);
  return m ? `p${m[1]}` : undefined;
}

const vlanSet = (text: string): string =>
  text
    .split(",")
    .flatMap((part) => {
      const [lo, hi] = part.trim().split("-").map(Number);
      return hi === undefined ? [lo] : Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
    })
    .sort((x, y) => x - y)
    .join(",");

/** Whether a live value is the declared one, as the API may return it (tag order, VLAN list ranges, null for unset). */
export function sameValue(field: string, declared: unknown, live: unknown): boolean {
  if (field === "tags" && Array.isArray(declared) && Array.isArray(live)) return [...declared].sort().join(" ") === [...live].sort().join(" ");
  if (field === "allowedVlans" && typeof declared === "string" && typeof live === "string") return vlanSet(declared) === vlanSet(live);
  if ((declared === null || declared === undefined) && (live === null || live === undefined || live === "")) return true;
  return stable(declared) === stable(live);
}

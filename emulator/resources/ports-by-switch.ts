/**
 * GET /organizations/{organizationId}/switch/ports/bySwitch (reference §3.4): the ports of many
 * switches in one paginated list, one item per switch, each port carrying only the subset of
 * fields the spec lists. Only switches appear.
 */
import { BY_SWITCH_PORT_FIELDS } from "../../lib/switch-port-fields";
import { badRequest } from "../errors";
import { Device, OrgState, SwitchPort, isSwitch } from "../model";
import { Body } from "../validate";

/** Array query parameters come as `name[]=v` (or plain `name=v`). */
function multi(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(`${name}[]`), ...q.getAll(name)];
}

/** A port as bySwitch shows it: the subset's fields that the port has, in the spec's order. */
export function renderBySwitchPort(port: SwitchPort): Body {
  const out: Body = {};
  const src = port as unknown as Body;
  for (const f of BY_SWITCH_PORT_FIELDS) if (src[f] !== undefined) out[f] = src[f];
  return out;
}

/** The `configurationUpdatedAfter` filter as emulator clock ms; undefined when absent (400 when not a timestamp). */
export function configurationUpdatedAfter(q: URLSearchParams): number | undefined {
  const raw = q.get("configurationUpdatedAfter");
  if (raw === null) return undefined;
  const after = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(after)) throw badRequest("'configurationUpdatedAfter' must be an ISO 8601 timestamp");
  return after;
}

/**
 * The organization's switches after the filters, each with its (subset) ports; unpaginated.
 * Filters: `serials[]`, `networkIds[]`, `macs[]` (exact; MACs compared without regard to case),
 * `serial`, `mac`, `name` (contains, case-insensitive), `configurationUpdatedAfter` (switches
 * whose ports changed after that time) and `portProfileIds[]` (only the ports bound to one of
 * those profiles; switches left with none are omitted).
 */
export function listPortsBySwitch(org: OrgState, q: URLSearchParams): Body[] {
  const serials = multi(q, "serials");
  const networkIds = multi(q, "networkIds");
  const macs = multi(q, "macs").map((m) => m.toLowerCase());
  const profileIds = multi(q, "portProfileIds");
  const contains = (field: "name" | "mac" | "serial") => {
    const v = q.get(field);
    return (d: Device) => v === null || d[field].toLowerCase().includes(v.toLowerCase());
  };
  const after = configurationUpdatedAfter(q);
  const out: Body[] = [];
  for (const d of Object.values(org.devices)) {
    const ports = org.switchPorts[d.serial];
    if (!isSwitch(d) || !ports) continue;
    if (serials.length && !serials.includes(d.serial)) continue;
    if (networkIds.length && !networkIds.includes(d.networkId)) continue;
    if (macs.length && !macs.includes(d.mac.toLowerCase())) continue;
    if (![contains("serial"), contains("mac"), contains("name")].every((pass) => pass(d))) continue;
    if (after !== undefined && !((org.portsConfiguredAt?.[d.serial] ?? -Infinity) > after)) continue;
    const shown = profileIds.length ? ports.filter((p) => p.profile?.enabled && profileIds.includes(p.profile.id)) : ports;
    if (profileIds.length && !shown.length) continue;
    const network = org.networks[d.networkId];
    out.push({
      name: d.name,
      serial: d.serial,
      mac: d.mac,
      network: { name: network?.name ?? null, id: d.networkId },
      model: d.model,
      ports: shown.map(renderBySwitchPort),
    });
  }
  return out;
}

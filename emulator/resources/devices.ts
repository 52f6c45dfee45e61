/**
 * Devices (/devices/{serial}): name, tags, location and notes (reference §3.3).
 */
import { ApiError, notFound } from "../errors";
import { Device } from "../model";
import { Body, Rule, checkFields, parseTags } from "../validate";
import { ExecContext, OpResult } from "./context";

const RULES: Record<string, Rule> = {
  name: { type: "string", nullable: true },
  lat: { type: "number", min: -90, max: 90 },
  lng: { type: "number", min: -180, max: 180 },
  address: { type: "string", nullable: true },
  notes: { type: "string", nullable: true, maxLength: 255 },
  moveMapMarker: { type: "boolean" },
  switchProfileId: { type: "string", nullable: true },
  floorPlanId: { type: "string", nullable: true },
};

export function findDevice(ctx: ExecContext, serial: string): Device {
  const device = ctx.org.devices[serial];
  if (!device) throw notFound();
  return device;
}

/** A device as GET returns it. */
export function renderDevice(device: Device): Body {
  return { ...device, details: [] };
}

/**
 * PUT /devices/{serial}. Read-only fields (serial, mac, model, networkId…) in the body are
 * ignored, as are unknown ones. `legacy` accepts v0's space-separated tag string.
 */
export function updateDevice(ctx: ExecContext, serial: string, body: Body, legacy: boolean): OpResult {
  const device = findDevice(ctx, serial);
  const problems = checkFields(body, RULES);
  let tags: string[] | undefined;
  if (body.tags !== undefined) {
    const parsed = parseTags("tags", body.tags, legacy);
    if (parsed.error) problems.push(parsed.error);
    tags = parsed.tags;
  }
  // "it must (1) be a switch, and (2) belong to a network that is bound to a configuration template" (PYSDK);
  // the emulator has no switch profiles or floor plans, so binding to one cannot succeed.
  if (typeof body.switchProfileId === "string") {
    const bound = device.productType === "switch" && ctx.org.networks[device.networkId]?.isBoundToConfigTemplate === true;
    problems.push(bound ? `Switch profile '${body.switchProfileId}' does not exist` : "'switchProfileId' requires a switch in a network bound to a configuration template");
  }
  if (typeof body.floorPlanId === "string") problems.push(`Floor plan '${body.floorPlanId}' does not exist`);
  if (problems.length) throw new ApiError(400, problems);

  const next: Device = { ...device };
  if (body.name !== undefined) next.name = (body.name as string | null) ?? "";
  if (tags) next.tags = tags;
  if (body.lat !== undefined) next.lat = body.lat as number;
  if (body.lng !== undefined) next.lng = body.lng as number;
  if (body.address !== undefined) next.address = (body.address as string | null) ?? "";
  if (body.notes !== undefined) next.notes = (body.notes as string | null) ?? "";
  if (body.floorPlanId === null) next.floorPlanId = null;
  ctx.journal.set(ctx.org.devices, serial, next);
  return {};
}

/**
 * Device attributes: `name`, `address`, `notes` and the location (`lat`, `lng`) of
 * /devices/{serial} (SPEC142 updateDevice). Devices always exist, so "create" takes the fields
 * over and "delete" follows onDelete, as for DeviceTags. Tags stay with DeviceTags: both kinds
 * update /devices/{serial}, each only its own fields, so they never write the same field and may
 * be declared for the same device (their actions share a batch when they fit).
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { LiveDevice } from "../live/snapshot";
import { fieldChanges } from "../plan/diff";
import { Change, DeleteSpec, clean, encode, without } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

/** The fields a Device manages. */
export const DEVICE_FIELDS = ["name", "address", "notes", "lat", "lng"] as const;

export const deviceSchema = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    name: z.string().nullable().optional(),
    address: z.string().nullable().optional(),
    // "Limited to 255 characters" (SPEC142)
    notes: z.string().max(255, { message: "must be at most 255 characters" }).nullable().optional(),
    lat: z.number().min(-90, { message: "must be between -90 and 90" }).max(90, { message: "must be between -90 and 90" }).optional(),
    lng: z.number().min(-180, { message: "must be between -180 and 180" }).max(180, { message: "must be between -180 and 180" }).optional(),
    onDelete: z.enum(["restore", "reset", "retain"]).optional(),
    tags: z.unknown().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.tags !== undefined) ctx.addIssue({ code: "custom", path: ["tags"], message: "is managed by DeviceTags: declare a DeviceTags for this device (both may be declared for the same device)" });
  });

export type DeviceProps = z.infer<typeof deviceSchema>;

const KEY_FIELDS = ["serial", "onDelete", "tags"];
/** "reset": no name, address or notes (the location has no factory value and is left as it is). */
const RESET: Record<string, unknown> = { name: null, address: null, notes: null };

const key = (p: { serial: string }) => `device/${p.serial}`;
const describe = (p: { serial: string }) => `attributes of device ${p.serial}`;

/** "" and null are the same text (the API stores a cleared name as ""). */
export function normalise(f: Record<string, unknown>): Record<string, unknown> {
  const out = { ...f };
  for (const k of ["name", "address", "notes"]) if (out[k] === "") out[k] = null;
  return clean(out);
}

function liveFields(d: LiveDevice, managed: Record<string, unknown>): Record<string, unknown> {
  const all: Record<string, unknown> = { name: d.name, address: d.address ?? null, notes: d.notes ?? null, lat: d.lat ?? null, lng: d.lng ?? null };
  return normalise(Object.fromEntries(Object.keys(managed).map((k) => [k, all[k] ?? null])));
}

function change(p: DeviceProps, ctx: PlanContext, op: Change["op"], desired: Record<string, unknown>, d: LiveDevice): Change {
  const live = liveFields(d, desired);
  const fields = fieldChanges(live, desired);
  const body: Record<string, unknown> = {};
  // A cleared text field is sent as "" (the API's empty value).
  for (const f of fields) body[f.path] = f.new === null && f.path !== "lat" && f.path !== "lng" ? "" : f.new;
  const actions: Action[] = fields.length ? [{ resource: `/devices/${encode(p.serial)}`, operation: "update", body }] : [];
  return { key: key(p), kind: "device", name: ctx.name, description: describe(p), op: fields.length ? op : "noop", fields, live, actions, dependsOn: [] };
}

function findDevice(p: DeviceProps, ctx: PlanContext): LiveDevice | string {
  const d = ctx.live.devices?.[p.serial];
  return d ?? `device ${p.serial} is not in organization ${ctx.live.organizationId} (or not visible to this API key)`;
}

export const deviceKind: KindModule<DeviceProps> = {
  kind: "device",
  label: "Device",
  schema: deviceSchema,
  key,
  describe,
  needs(_p, n) {
    n.devices = true;
  },

  plan(p, ctx): KindPlan {
    const d = findDevice(p, ctx);
    if (typeof d === "string") return { issues: [{ path: "serial", message: d }] };
    return { change: change(p, ctx, "update", normalise(without(p, KEY_FIELDS)), d) };
  },

  planDelete(p, spec: DeleteSpec, ctx): KindPlan {
    const d = ctx.live.devices?.[p.serial];
    const mode = spec.onDelete ?? p.onDelete ?? "restore";
    const managed = normalise(without(p, KEY_FIELDS));
    if (!d || mode === "retain" || (mode === "restore" && !spec.original)) {
      return { change: { key: key(p), kind: "device", name: ctx.name, description: describe(p), op: "noop", fields: [], live: d ? liveFields(d, managed) : null, actions: [], dependsOn: [] } };
    }
    const source = mode === "reset" ? RESET : spec.original!;
    const target: Record<string, unknown> = {};
    for (const f of Object.keys(managed)) if (f in source) target[f] = source[f] ?? null;
    return { change: change(p, ctx, "delete", normalise(target), d) };
  },

  phase() {
    return PHASE.deviceUpdate;
  },
};

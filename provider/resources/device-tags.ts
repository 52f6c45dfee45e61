/**
 * Device tags: the `tags` of /devices/{serial} (reference §3.3). Devices always exist, so
 * "create" takes the tags over and "delete" follows onDelete. mode "exact" owns the whole tag
 * set; "include" only makes sure its tags are present and leaves the others alone.
 */
import { z } from "zod";
import { Action } from "../dashboard/batches";
import { LiveDevice } from "../live/snapshot";
import { Change, DeleteSpec, encode, sortedUnique, tag } from "./common";
import { KindModule, KindPlan, PHASE, PlanContext } from "./kind";

export const deviceTagsSchema = z
  .object({
    serial: z.string().min(1, { message: "is required" }),
    tags: z.array(tag),
    mode: z.enum(["exact", "include"]).default("exact"),
    onDelete: z.enum(["restore", "reset", "retain"]).optional(),
  })
  .strict();

export type DeviceTagsProps = z.infer<typeof deviceTagsSchema>;

const key = (p: { serial: string }) => `deviceTags/${p.serial}`;
const describe = (p: { serial: string }) => `tags of device ${p.serial}`;
const resource = (serial: string) => `/devices/${encode(serial)}`;

function device(p: DeviceTagsProps, ctx: PlanContext): { device?: LiveDevice; issue?: string } {
  const d = ctx.live.devices?.[p.serial];
  if (!d) return { issue: `device ${p.serial} is not in organization ${ctx.live.organizationId} (or not visible to this API key)` };
  return { device: d };
}

function change(p: DeviceTagsProps, ctx: PlanContext, op: Change["op"], liveTags: string[] | null, next: string[] | null): Change {
  const live = liveTags === null ? null : { tags: liveTags };
  const fields = next === null || (liveTags !== null && same(liveTags, next)) ? [] : [{ path: "tags", old: liveTags, new: next }];
  const actions: Action[] = fields.length ? [{ resource: resource(p.serial), operation: "update", body: { tags: next } }] : [];
  return { key: key(p), kind: "deviceTags", name: ctx.name, description: describe(p), op: fields.length ? op : "noop", fields, live, actions, dependsOn: [] };
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((t, i) => t === b[i]);

/** The tag set this resource wants, given what is there now. */
export function wantedTags(p: DeviceTagsProps, live: string[]): string[] {
  return p.mode === "exact" ? sortedUnique(p.tags) : sortedUnique([...live, ...p.tags]);
}

export const deviceTagsKind: KindModule<DeviceTagsProps> = {
  kind: "deviceTags",
  label: "DeviceTags",
  schema: deviceTagsSchema,
  key,
  describe,
  needs(_p, n) {
    n.devices = true;
  },

  plan(p, ctx): KindPlan {
    const { device: d, issue } = device(p, ctx);
    if (issue) return { issues: [{ path: "serial", message: issue }] };
    const live = sortedUnique(d!.tags);
    return { change: change(p, ctx, "update", live, wantedTags(p, live)) };
  },

  planDelete(p, spec: DeleteSpec, ctx): KindPlan {
    const d = ctx.live.devices?.[p.serial];
    const mode = spec.onDelete ?? p.onDelete ?? "restore";
    if (!d || mode === "retain") return { change: change(p, ctx, "delete", d ? sortedUnique(d.tags) : null, null) };
    const live = sortedUnique(d.tags);
    const original = Array.isArray(spec.original?.tags) ? (spec.original!.tags as string[]) : null;
    let next: string[];
    if (p.mode === "exact") {
      // restore without a captured original leaves the tags alone rather than guess
      next = mode === "reset" ? [] : original ? sortedUnique(original) : live;
    } else {
      // include: take away only the tags this resource added (reset: all of its tags)
      const added = mode === "reset" ? p.tags : p.tags.filter((t) => !(original ?? p.tags).includes(t));
      next = live.filter((t) => !added.includes(t));
    }
    return { change: change(p, ctx, "delete", live, next) };
  },

  phase() {
    return PHASE.deviceUpdate;
  },
};

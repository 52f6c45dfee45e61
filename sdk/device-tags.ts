import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { DeviceTagsProps } from "../provider/resources/device-tags";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("deviceTags");

/**
 * The tags of a device (`/devices/{serial}`). Devices always exist, so creating this resource
 * takes the device's tags over.
 *
 * - `mode: "exact"` (default): the device has exactly these tags.
 * - `mode: "include"`: these tags are present; other tags are left alone.
 * - `onDelete`: what destroying the resource does. `"restore"` (default) puts back the tags the
 *   device had when the resource took it over (include mode: removes only the tags it added),
 *   `"reset"` removes the resource's tags, `"retain"` leaves them.
 */
export type DeviceTagsArgs = Inputs<Omit<DeviceTagsProps, "mode">> & {
  mode?: pulumi.Input<"exact" | "include">;
};

export interface DeviceTags extends Outputs<DeviceTagsProps> {
  /** The device's tags when this resource took it over (used by onDelete: "restore"). */
  readonly original: pulumi.Output<{ tags: string[] } | null>;
}

export class DeviceTags extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:DeviceTags";

  constructor(name: string, args: DeviceTagsArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, original: undefined }, opts, "meraki", "DeviceTags");
  }
}

import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { DeviceProps } from "../provider/resources/device";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("device");

/**
 * A device's attributes (`/devices/{serial}`): `name`, `address`, `notes` and its location
 * (`lat`, `lng`). Devices always exist, so creating this resource takes the fields given over;
 * fields not given are left as they are. Tags are DeviceTags' (declare both for one device if you
 * manage both: each sends only its own fields).
 *
 * `onDelete`: `"restore"` (default) puts back the values found when the resource took the device
 * over, `"reset"` clears the name, address and notes (the location stays), `"retain"` leaves them.
 */
export type DeviceArgs = Inputs<Omit<DeviceProps, "tags">>;

export interface Device extends Outputs<Omit<DeviceProps, "tags">> {
  /** The managed fields when this resource took the device over (used by onDelete: "restore"). */
  readonly original: pulumi.Output<Record<string, unknown> | null>;
}

export class Device extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:Device";

  constructor(name: string, args: DeviceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, original: undefined }, opts, "meraki", "Device");
  }
}

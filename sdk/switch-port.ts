import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { SwitchPortProps } from "../provider/resources/switch-port";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("switchPort");

/**
 * A switch port (`/devices/{serial}/switch/ports/{portId}`). Ports always exist: creating this
 * resource takes the port over and sets the fields given; fields not given are left as they are.
 * `onDelete`: `"restore"` (default) puts the managed fields back as they were when taken over,
 * `"reset"` sets them to factory defaults (access port on VLAN 1…), `"retain"` leaves them.
 */
export type SwitchPortArgs = Inputs<Omit<SwitchPortProps, "portId">> & {
  /** The port id, e.g. "1" (a number is accepted). */
  portId: pulumi.Input<string | number>;
};

export interface SwitchPort extends Outputs<SwitchPortProps> {
  /** The managed fields as they were when this resource took the port over. */
  readonly original: pulumi.Output<Record<string, unknown> | null>;
}

export class SwitchPort extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:SwitchPort";

  constructor(name: string, args: SwitchPortArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, original: undefined }, opts, "meraki", "SwitchPort");
  }
}

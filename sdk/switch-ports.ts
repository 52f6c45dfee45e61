import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { SwitchPortProps } from "../provider/resources/switch-port";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("switchPorts");

/** The fields a port can be given: a SwitchPort's, less what identifies it. */
export type PortFields = Omit<SwitchPortProps, "serial" | "portId" | "onDelete">;

/**
 * A set of ports of one switch as one resource: one Pulumi step however many ports, so a
 * deployment takes as few batches as the API's limits allow whatever `--parallel` is. Planned,
 * validated, applied and reported per port (`NAME[PORT]` in plans and messages).
 *
 * - `ports`: a range such as "1-24,48", or a list of port ids (["1", "1_MA-MOD-4X10G_1"]).
 * - every other field is shared by the ports; `overrides` gives single ports other values.
 * - `onDelete` as SwitchPort, for each port; a port that leaves `ports` goes back the same way.
 * - `original` (output): per port, the managed fields as they were when the resource took it over.
 *
 * `switchPorts(name, { serial, ports }, settings)` builds one from settings that may be a
 * function of the port.
 */
export type SwitchPortsArgs = Inputs<PortFields> & {
  serial: pulumi.Input<string>;
  ports: pulumi.Input<string | Array<string | number>>;
  overrides?: pulumi.Input<Record<string, pulumi.Input<Inputs<PortFields>>>>;
  onDelete?: pulumi.Input<"restore" | "reset" | "retain">;
};

export interface SwitchPorts extends Outputs<PortFields> {
  readonly serial: pulumi.Output<string>;
  readonly ports: pulumi.Output<string | string[]>;
  readonly overrides: pulumi.Output<Record<string, PortFields> | undefined>;
  /** Per port, the managed fields as they were when this resource took the port over. */
  readonly original: pulumi.Output<Record<string, Record<string, unknown> | null> | null>;
}

export class SwitchPorts extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:SwitchPorts";

  constructor(name: string, args: SwitchPortsArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, original: undefined }, opts, "meraki", "SwitchPorts");
  }
}

import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { VlansSettingsProps } from "../provider/resources/vlans-settings";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("vlansSettings");

/**
 * Whether a network's MX uses VLANs (`/networks/{networkId}/appliance/vlans/settings`). The setting
 * always exists, so creating this resource takes it over. Enabling is applied in the same atomic
 * batch as, and before, the VLANs the program creates on that network; VLAN 1 exists as soon as
 * VLANs are enabled (declare it with `adopt: true`). Enabling VLANs turns the MX's LAN ports into
 * trunks that drop untagged traffic.
 *
 * `vlansEnabled: false` while the program declares VLANs on the network is refused: disabling
 * removes every VLAN. `onDelete`: `"retain"` (default: destroying the resource leaves VLANs as they
 * are), `"restore"` (the value found when the resource took the setting over), `"reset"` (VLANs
 * disabled, which removes them).
 */
export type VlansSettingsArgs = Inputs<VlansSettingsProps>;

export interface VlansSettings extends Outputs<VlansSettingsProps> {
  /** The setting when this resource took it over (used by onDelete: "restore"). */
  readonly original: pulumi.Output<{ vlansEnabled: boolean } | null>;
}

export class VlansSettings extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:VlansSettings";

  constructor(name: string, args: VlansSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, original: undefined }, opts, "meraki", "VlansSettings");
  }
}

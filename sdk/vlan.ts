import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { VlanProps } from "../provider/resources/vlan";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("vlan");

/**
 * An appliance VLAN (`/networks/{networkId}/appliance/vlans/{vlanId}`): every field of the
 * Dashboard API's VLAN, validated before anything is sent. Fields the API only takes on update
 * (`fixedIpAssignments`, `reservedIpRanges`, `dnsNameservers`, `vpnNatSubnet`) are sent in an
 * update that follows the create in the same atomic batch. On a network bound to a configuration
 * template, give `cidr`, `mask` and `templateVlanType` instead of `subnet` and `applianceIp`. On a
 * network whose VLANs are off, declare a `VlansSettings` and pass its `networkId`.
 *
 * Set `adopt: true` to take over a VLAN that already exists (VLAN 1 always does); otherwise
 * creating it fails with the API's "Vlan has already been taken". Changing `networkId` or
 * `vlanId` replaces the VLAN (the old one is deleted first). Destroying the resource deletes the
 * VLAN; use Pulumi's `retainOnDelete` option to keep it.
 */
export type VlanArgs = Inputs<Omit<VlanProps, "vlanId">> & {
  /** The VLAN number, 1-4094. */
  vlanId: pulumi.Input<number>;
};

export interface Vlan extends Outputs<Omit<VlanProps, "adopt">> {}

export class Vlan extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:Vlan";

  constructor(name: string, args: VlanArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args }, opts, "meraki", "Vlan");
  }
}

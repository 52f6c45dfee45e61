import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { RoutingInterfaceProps } from "../provider/resources/switch-routing-interface";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("switchRoutingInterface");

/**
 * A switch's layer 3 interface (an SVI, `/devices/{serial}/switch/routing/interfaces`) on a VLAN,
 * and optionally its DHCP settings (`dhcp`: server, relay or off, lease, DNS, options, reserved
 * ranges, fixed assignments). The switch's first interface needs `defaultGateway`: under Pulumi
 * declare the switch's other interfaces with `serial: first.serial` so that they are created after
 * it (the CLI orders them by itself). A switch's interfaces cannot overlap. The API numbers interfaces (`interfaceId` output): the DHCP settings
 * of a new interface are sent in a batch after the one that creates it.
 *
 * Set `adopt: true` to take over the interface the switch already has on this VLAN; otherwise
 * creating it fails. Changing `serial` or `vlanId` replaces it. Destroying the resource deletes
 * the interface (the API refuses while a static route's next hop needs it).
 */
export type SwitchRoutingInterfaceArgs = Inputs<RoutingInterfaceProps>;

export interface SwitchRoutingInterface extends Outputs<Omit<RoutingInterfaceProps, "adopt">> {
  /** The id the API gave the interface. */
  readonly interfaceId: pulumi.Output<string>;
}

export class SwitchRoutingInterface extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:SwitchRoutingInterface";

  constructor(name: string, args: SwitchRoutingInterfaceArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, interfaceId: undefined }, opts, "meraki", "SwitchRoutingInterface");
  }
}

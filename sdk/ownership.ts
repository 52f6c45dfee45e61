import * as pulumi from "@pulumi/pulumi";

export interface VlanOwnershipArgs {
  /** The network whose VLANs the program owns. */
  networkId: pulumi.Input<string>;
}

/**
 * Makes the program the owner of every VLAN of a network. `meraki-batch plan` and `apply` then
 * plan the live VLANs of that network that the program does not declare as deletes, shown and
 * applied like any other change (without it, they are only named in a note). The CLI keeps no
 * state: this is how a program says that a VLAN it no longer declares is to go.
 *
 * Under Pulumi, deletes follow the stack's state as always: a `Vlan` dropped from the program is
 * deleted, a VLAN the stack never managed is not. The declaration is accepted there (a component
 * resource, recorded in the stack) and changes nothing.
 */
export class VlanOwnership extends pulumi.ComponentResource {
  static readonly typeToken = "meraki-batch:index:VlanOwnership";
  readonly networkId: pulumi.Output<string>;

  constructor(name: string, args: VlanOwnershipArgs, opts?: pulumi.ComponentResourceOptions) {
    super(VlanOwnership.typeToken, name, args, opts);
    this.networkId = pulumi.output(args.networkId);
  }
}

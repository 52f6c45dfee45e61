import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { LinkAggregationProps } from "../provider/resources/link-aggregation";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("linkAggregation");

/**
 * A link aggregation group (`/networks/{networkId}/switch/linkAggregations`): 2 to 8 switch ports
 * of the network bundled (LACP), e.g. an uplink over two switches of a stack. It is the live
 * aggregation that holds its ports; changing the ports regroups it. The API's id is the
 * `linkAggregationId` output.
 *
 * Set `adopt: true` to take over the aggregation that already holds these ports; otherwise creating
 * it fails. Destroying the resource splits the aggregation into separate ports.
 */
export type LinkAggregationArgs = Inputs<Omit<LinkAggregationProps, "switchPorts">> & {
  /** The member ports: `{ serial, portId }` each, 2 to 8, every one on a switch of the network. */
  switchPorts: pulumi.Input<Array<pulumi.Input<{ serial: pulumi.Input<string>; portId: pulumi.Input<string | number> }>>>;
};

export interface LinkAggregation extends Outputs<Omit<LinkAggregationProps, "adopt">> {
  /** The id the API gave the aggregation. */
  readonly linkAggregationId: pulumi.Output<string>;
}

export class LinkAggregation extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:LinkAggregation";

  constructor(name: string, args: LinkAggregationArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, linkAggregationId: undefined }, opts, "meraki", "LinkAggregation");
  }
}

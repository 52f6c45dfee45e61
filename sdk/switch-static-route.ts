import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { StaticRouteProps } from "../provider/resources/switch-static-route";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("switchStaticRoute");

/**
 * A switch's layer 3 static route (`/devices/{serial}/switch/routing/staticRoutes`), known by its
 * destination `subnet`. Its `nextHopIp` must be reachable through one of the switch's layer 3
 * interfaces (declare them with SwitchRoutingInterface; under Pulumi take the serial from that
 * interface, `serial: svi.serial`, so that the route is created after it; the CLI orders them by
 * itself). The API's id is the `staticRouteId` output.
 *
 * Set `adopt: true` to take over a route for this subnet that already exists; otherwise creating
 * it fails. Changing `serial` or `subnet` replaces it. Destroying the resource deletes the route.
 */
export type SwitchStaticRouteArgs = Inputs<StaticRouteProps>;

export interface SwitchStaticRoute extends Outputs<Omit<StaticRouteProps, "adopt">> {
  /** The id the API gave the route. */
  readonly staticRouteId: pulumi.Output<string>;
}

export class SwitchStaticRoute extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:SwitchStaticRoute";

  constructor(name: string, args: SwitchStaticRouteArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, staticRouteId: undefined }, opts, "meraki", "SwitchStaticRoute");
  }
}

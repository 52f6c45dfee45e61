import * as pulumi from "@pulumi/pulumi";
import { makeProvider } from "../provider/dynamic/shim";
import type { AccessPolicyArgs, AccessPolicyProps } from "../provider/resources/switch-access-policy";
import { Inputs, Outputs } from "./types";

const provider = makeProvider("switchAccessPolicy");

/**
 * A switch access policy (`/networks/{networkId}/switch/accessPolicies`), known by its `name` on
 * its network: 802.1X, MAC authentication bypass or hybrid, with RADIUS servers whose secrets come
 * from the environment (`secret: meraki.secretFromEnv("RADIUS_SECRET")`). The API numbers
 * policies: `accessPolicyNumber` is an output, and ports use it
 * (`accessPolicyType: "Custom access policy", accessPolicyNumber: policy.accessPolicyNumber`); ports
 * that use a policy created in the same deployment are sent once its number is known.
 *
 * `radiusTestingEnabled`, `radiusCoaSupportEnabled`, `radiusAccountingEnabled` and
 * `urlRedirectWalledGardenEnabled` default to false. With `hostMode: "Multi-Domain"` the API makes
 * the policy hybrid with voice clients; with `"Multi-Auth"` it has no RADIUS VLANs.
 *
 * Set `adopt: true` to take over a policy of this name that already exists; otherwise creating it
 * fails. Changing `networkId` or `name` replaces it. Destroying the resource deletes the policy
 * (the API refuses while ports use it); use `retainOnDelete` to keep it.
 */
export type SwitchAccessPolicyArgs = Inputs<AccessPolicyArgs>;

export interface SwitchAccessPolicy extends Outputs<Omit<AccessPolicyProps, "adopt">> {
  /** The number the API gave the policy, which ports name it by. */
  readonly accessPolicyNumber: pulumi.Output<number>;
}

export class SwitchAccessPolicy extends pulumi.dynamic.Resource {
  static readonly typeToken = "pulumi-nodejs:dynamic/meraki:SwitchAccessPolicy";

  constructor(name: string, args: SwitchAccessPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(provider, name, { ...args, accessPolicyNumber: undefined }, opts, "meraki", "SwitchAccessPolicy");
  }
}

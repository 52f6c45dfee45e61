/** Argument and output types derived from the engine's schemas, so the SDK and the engine agree by construction. */
import type * as pulumi from "@pulumi/pulumi";

/** Every property may be a plain value or a Pulumi Input. */
export type Inputs<T> = { [K in keyof T]: pulumi.Input<T[K]> };

/** Every property is an Output. */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

import type { SecretFromEnv } from "../provider/resources/secrets";

/**
 * A secret a resource sends (a RADIUS server's shared secret), named by the environment variable
 * that holds it: `secret: meraki.secretFromEnv("RADIUS_SECRET")`. The value is read when the batch
 * is sent (by `meraki-batch apply`, or the Pulumi provider), so it never enters a plan, a plan file,
 * a message or Pulumi's state; the variable must be set where the batch is sent. The API never
 * returns a secret: a changed value is sent when the servers change (or the resource is replaced).
 */
export function secretFromEnv(name: string): SecretFromEnv {
  return { fromEnv: name };
}

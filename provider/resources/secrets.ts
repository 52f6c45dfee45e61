/**
 * Secrets a resource sends (a RADIUS server's shared secret) never enter a plan, a plan file, a
 * message, a log or Pulumi state: a program names the environment variable that holds one,
 * `{ fromEnv: "RADIUS_SECRET" }` (the SDK's `secretFromEnv`), actions carry the placeholder
 * `{"$env": "RADIUS_SECRET"}`, and only the batch sent to the API holds the value, read from the
 * environment right before it is made (provider/apply/fill.ts). The API never returns such a
 * secret, so it is sent but never compared.
 */
import { z } from "zod";

/** Variables meraki-batch and Pulumi read for themselves (the API key above all) cannot be sent as a secret. */
const RESERVED = /^(MERAKI_|PULUMI_)/;

export const secretFromEnv = z
  .object({
    fromEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: "must be the name of an environment variable, such as RADIUS_SECRET" })
      .refine((n) => !RESERVED.test(n), { message: "cannot be a MERAKI_* or PULUMI_* variable (those configure meraki-batch and Pulumi)" }),
  })
  .strict();

export type SecretFromEnv = z.infer<typeof secretFromEnv>;

/** The message for a secret given as text. */
export const SECRET_AS_TEXT =
  'must name the environment variable that holds it, e.g. secret: meraki.secretFromEnv("RADIUS_SECRET") ({ fromEnv: "RADIUS_SECRET" }): a secret never goes into plans, plan files or state';

/** Accepts `{ fromEnv }` only; a plain string gets a message that says why and what to write. */
export const secretField = z.unknown().superRefine((v, ctx) => {
  if (typeof v === "string") {
    ctx.addIssue({ code: "custom", message: SECRET_AS_TEXT });
    return;
  }
  const parsed = secretFromEnv.safeParse(v);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: issue.path.length ? issue.message : SECRET_AS_TEXT });
  }
}) as unknown as z.ZodType<SecretFromEnv>;

export interface EnvSecret {
  $env: string;
}

export const envPlaceholder = (s: SecretFromEnv): EnvSecret => ({ $env: s.fromEnv });

export const isEnvSecret = (v: unknown): v is EnvSecret =>
  !!v && typeof v === "object" && !Array.isArray(v) && typeof (v as EnvSecret).$env === "string" && Object.keys(v).length === 1;

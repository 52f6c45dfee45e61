/**
 * Where the CLI talks to and with what: flags, then the stack's config (Pulumi.<stack>.yaml),
 * then the environment, the same names as the Pulumi provider. The API key only ever comes from
 * the environment (never a flag: shell history).
 */
import { DashboardClient, Engine, FileLedger, MerakiBatchError, SyncPreference, defaultStateDir } from "../provider";
import { userAgent } from "../provider/dashboard/user-agent";
import { DEFAULTS } from "../provider/defaults";
import { soleOrganization } from "../provider/dashboard/organizations";
import { SETTINGS } from "../provider/dynamic/settings";
import { intOption } from "./args";
import { CliError } from "./errors";
import { Io } from "./io";

export const CONNECTION_OPTIONS = {
  "base-url": { type: "string" as const },
  org: { type: "string" as const },
  "max-batch-size": { type: "string" as const },
  "max-in-flight": { type: "string" as const },
  sync: { type: "string" as const },
};

export const CONNECTION_HELP = `Connection (flags, else the stack's config, else the environment):
  --base-url URL           Dashboard API base URL (MERAKI_DASHBOARD_API_BASE_URL; default ${DEFAULTS.baseUrl})
  --org ID                 organization id (MERAKI_ORGANIZATION_ID; default: the key's only organization)
  The API key is read from MERAKI_DASHBOARD_API_KEY.
Batching:
  --max-batch-size N       actions per batch, 1-100 (default 100)
  --max-in-flight N        batches running at once in the organization, 1-5 (default ${DEFAULTS.maxBatchesInFlight})
  --sync auto|always|never synchronous batches: when ≤ 20 actions (auto), always (split to 20), never
`;

export interface Connection {
  client: DashboardClient;
  engine: Engine;
  organizationId: string;
  baseUrl: string;
  close(): Promise<void>;
}

export interface ConnectionInput {
  values: Record<string, unknown>;
  /** The stack's config (namespaced keys), when a program was loaded. */
  stackConfig?: Record<string, string>;
  /** A saved plan fixes the organization and base URL. */
  fromPlan?: { organizationId: string; baseUrl?: string };
  io: Io;
}

export async function connect(input: ConnectionInput): Promise<Connection> {
  const { values, stackConfig = {}, io } = input;
  const apiKey = io.env[SETTINGS.apiKey];
  if (!apiKey) {
    throw new CliError("no Meraki Dashboard API key", `export ${SETTINGS.apiKey}=<key> (for the emulator's demo seed: aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc)`);
  }
  const pick = (flag: string, config: string, env: string) =>
    (values[flag] as string | undefined) || stackConfig[`meraki-batch:${config}`] || io.env[env] || undefined;
  const baseUrl = (values["base-url"] as string | undefined) || input.fromPlan?.baseUrl || pick("base-url", "baseUrl", SETTINGS.baseUrl) || DEFAULTS.baseUrl;
  if (!/^https?:\/\//.test(baseUrl)) throw new CliError(`the base URL '${baseUrl}' is not an http(s) URL`, "e.g. --base-url http://127.0.0.1:8787/api/v1");
  const sync = (values.sync as string | undefined) ?? stackConfig["meraki-batch:synchronous"] ?? io.env[SETTINGS.synchronous] ?? DEFAULTS.synchronous;
  if (!["auto", "always", "never"].includes(sync)) throw new CliError(`--sync must be auto, always or never, got '${sync}'`, undefined, 2);
  const maxActions = intOption("max-batch-size", values["max-batch-size"] ?? stackConfig["meraki-batch:maxActionsPerBatch"] ?? io.env[SETTINGS.maxActionsPerBatch], 1, DEFAULTS.maxActionsPerBatch);
  const maxInFlight = intOption("max-in-flight", values["max-in-flight"] ?? stackConfig["meraki-batch:maxBatchesInFlight"] ?? io.env[SETTINGS.maxBatchesInFlight], 1, DEFAULTS.apiMaxBatchesInFlight);

  const client = new DashboardClient({ apiKey, baseUrl, userAgent: userAgent("CLI") });
  try {
    let organizationId = input.fromPlan?.organizationId ?? pick("org", "organizationId", SETTINGS.organizationId);
    const flagOrg = values.org as string | undefined;
    if (input.fromPlan && flagOrg && flagOrg !== input.fromPlan.organizationId) {
      throw new CliError(`the plan is for organization ${input.fromPlan.organizationId}, not ${flagOrg}`);
    }
    if (!organizationId) {
      try {
        organizationId = await soleOrganization(client, `pick one with --org ID or ${SETTINGS.organizationId}`);
      } catch (err) {
        throw asCliError(err);
      }
    }
    const engine = new Engine(client, {
      organizationId,
      maxActionsPerBatch: maxActions,
      synchronous: sync as SyncPreference,
      maxBatchesInFlight: maxInFlight,
      ledger: new FileLedger(defaultStateDir(io.env)),
    });
    return { client, engine, organizationId, baseUrl, close: () => client.close() };
  } catch (err) {
    await client.close();
    throw err;
  }
}

/** Engine errors as one CLI line with a hint where one helps. */
export function asCliError(err: unknown): unknown {
  if (!MerakiBatchError.is(err)) return err;
  switch (err.code) {
    case "AUTH_FAILED":
      return new CliError(err.message, `check ${SETTINGS.apiKey}`);
    case "NETWORK_ERROR":
      return new CliError(err.message, "is the Dashboard API (or the emulator) reachable at the base URL?");
    case "PLAN_STALE":
      return new CliError(err.message, "make a new plan, or apply with --replan to re-plan against the live network");
    case "VALIDATION_FAILED":
      return new CliError(err.message, "fix the resources above; nothing was sent");
    default:
      return new CliError(err.message);
  }
}

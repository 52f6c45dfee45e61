/**
 * Where the CLI talks to and with what: flags, then the stack's config (Pulumi.<stack>.yaml),
 * then the environment, the same names as the Pulumi provider. The API key only ever comes from
 * the environment (never a flag: shell history). Every value remembers where it came from, so
 * errors can say so, and an environment variable that the stack file overrides is pointed out.
 */
import { DashboardClient, Engine, FileLedger, MerakiBatchError, SyncPreference, ValidationIssue, defaultStateDir, realClock } from "../provider";
import { userAgent } from "../provider/dashboard/user-agent";
import { DEFAULTS } from "../provider/defaults";
import { formatSeconds } from "../provider/dashboard/client";
import { soleOrganization } from "../provider/dashboard/organizations";
import { CONFIG_NAMESPACE, SETTINGS, SettingName, parseSeconds } from "../provider/dynamic/settings";
import { intOption } from "./args";
import { CliError } from "./errors";
import { Io, debugEnabled } from "./io";
import { waiting } from "./waiting";
import { formatIssues } from "./format/issues";

/** Where to connect: every command that talks to the API. */
export const API_OPTIONS = {
  "base-url": { type: "string" as const },
  org: { type: "string" as const },
  "connect-timeout": { type: "string" as const },
  "response-timeout": { type: "string" as const },
};

/** Where to connect, and how to batch: the commands that plan. */
export const CONNECTION_OPTIONS = {
  ...API_OPTIONS,
  "max-batch-size": { type: "string" as const },
  "max-in-flight": { type: "string" as const },
  sync: { type: "string" as const },
};

export const API_HELP = `Connection (flags, else the stack's config when there is one, else the environment):
  --base-url URL           Dashboard API base URL (MERAKI_DASHBOARD_API_BASE_URL; default ${DEFAULTS.baseUrl})
  --org ID                 organization id (MERAKI_ORGANIZATION_ID; default: the key's only organization)
  --connect-timeout S      seconds to wait for a connection (MERAKI_BATCH_CONNECT_TIMEOUT; default ${DEFAULTS.connectTimeoutMs / 1000})
  --response-timeout S     seconds to wait for an answer, and between its parts (MERAKI_BATCH_RESPONSE_TIMEOUT; default ${DEFAULTS.responseTimeoutMs / 1000})
  The API key is read from MERAKI_DASHBOARD_API_KEY. A request that times out is not retried.
`;

export const CONNECTION_HELP = `${API_HELP}Batching:
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
  /** The file that config came from, to name it ("examples/branch-office/Pulumi.dev.yaml"). */
  stackFile?: string;
  /** A saved plan fixes the organization and base URL. */
  fromPlan?: { organizationId: string; baseUrl?: string };
  io: Io;
}

/** A setting's value and where it came from, in words a user can act on. */
export interface Sourced {
  value?: string;
  source: string;
}

/**
 * flag, then (a saved plan's value), then the stack's config, then the environment. When the
 * environment variable is set but something before it wins, `overridden` says so.
 */
export function resolveSetting(input: ConnectionInput, flag: string, name: SettingName, planValue?: string): Sourced & { overridden?: string } {
  const { values, stackConfig = {}, io } = input;
  const key = `${CONFIG_NAMESPACE}:${name}`;
  const env = SETTINGS[name];
  const envValue = io.env[env] || undefined;
  const flagValue = values[flag] as string | undefined;
  let chosen: Sourced | undefined;
  if (flagValue) return { value: flagValue, source: `--${flag}` };
  if (planValue) chosen = { value: planValue, source: "the saved plan" };
  else if (stackConfig[key]) chosen = { value: stackConfig[key], source: `${input.stackFile ?? "the stack config"} (${key})` };
  if (chosen) {
    const overridden = envValue !== undefined && envValue !== chosen.value ? `${env}=${envValue}` : undefined;
    return { ...chosen, overridden };
  }
  if (envValue !== undefined) return { value: envValue, source: env };
  return { value: undefined, source: "the built-in default" };
}

function timeoutMs(s: Sourced & { flag: string }, fallback: number): number {
  if (s.value === undefined) return fallback;
  const ms = parseSeconds(s.value);
  if (ms === undefined) throw new CliError(`the ${s.flag.replace("-", " ")} must be a number of seconds above 0 and at most ${DEFAULTS.maxTimeoutMs / 1000}, got '${s.value}' from ${s.source}`, undefined, 2);
  return ms;
}

export async function connect(input: ConnectionInput): Promise<Connection> {
  const { values, stackConfig = {}, io } = input;
  const debug = debugEnabled(io.env);
  const apiKey = io.env[SETTINGS.apiKey];
  if (!apiKey) {
    throw new CliError("no Meraki Dashboard API key", `export ${SETTINGS.apiKey}=<key> (for the emulator's demo seed: aaaaaaaaaaaaaaaaaaabbbbbbbcccccccc)`);
  }
  const settings = {
    baseUrl: { ...resolveSetting(input, "base-url", "baseUrl", input.fromPlan?.baseUrl), flag: "base-url" },
    org: { ...resolveSetting(input, "org", "organizationId", input.fromPlan?.organizationId), flag: "org" },
    connectTimeout: { ...resolveSetting(input, "connect-timeout", "connectTimeout"), flag: "connect-timeout" },
    responseTimeout: { ...resolveSetting(input, "response-timeout", "responseTimeout"), flag: "response-timeout" },
  };
  const flagOrg = values.org as string | undefined;
  if (input.fromPlan && flagOrg && flagOrg !== input.fromPlan.organizationId) {
    throw new CliError(`the plan is for organization ${input.fromPlan.organizationId}, not ${flagOrg}`);
  }
  if (input.fromPlan) settings.org = { value: input.fromPlan.organizationId, source: "the saved plan", flag: "org", overridden: settings.org.overridden };
  for (const s of Object.values(settings)) {
    if (!s.overridden) continue;
    const why = s.source === "the saved plan" ? "the plan was made against it" : `the stack file comes before the environment; --${s.flag} overrides both`;
    io.stderr.write(`note: using ${s.value} from ${s.source}, not ${s.overridden} (${why})\n`);
  }
  const baseUrl = settings.baseUrl.value ?? DEFAULTS.baseUrl;
  if (!/^https?:\/\//.test(baseUrl)) throw new CliError(`the base URL '${baseUrl}' (from ${settings.baseUrl.source}) is not an http(s) URL`, "e.g. --base-url http://127.0.0.1:8787/api/v1");
  const connectTimeoutMs = timeoutMs(settings.connectTimeout, DEFAULTS.connectTimeoutMs);
  const responseTimeoutMs = timeoutMs(settings.responseTimeout, DEFAULTS.responseTimeoutMs);
  const sync = (values.sync as string | undefined) ?? stackConfig["meraki-batch:synchronous"] ?? io.env[SETTINGS.synchronous] ?? DEFAULTS.synchronous;
  if (!["auto", "always", "never"].includes(sync)) throw new CliError(`--sync must be auto, always or never, got '${sync}'`, undefined, 2);
  const maxActions = intOption("max-batch-size", values["max-batch-size"] ?? stackConfig["meraki-batch:maxActionsPerBatch"] ?? io.env[SETTINGS.maxActionsPerBatch], 1, DEFAULTS.maxActionsPerBatch);
  const maxInFlight = intOption("max-in-flight", values["max-in-flight"] ?? stackConfig["meraki-batch:maxBatchesInFlight"] ?? io.env[SETTINGS.maxBatchesInFlight], 1, DEFAULTS.apiMaxBatchesInFlight);
  // The client's own rate limit, as the provider reads it (lower it when other apps share the organization).
  const rpsRaw = stackConfig[`${CONFIG_NAMESPACE}:requestsPerSecond`] ?? io.env[SETTINGS.requestsPerSecond];
  const requestsPerSecond = rpsRaw === undefined || rpsRaw === "" ? undefined : Number(rpsRaw);
  if (requestsPerSecond !== undefined && (!Number.isInteger(requestsPerSecond) || requestsPerSecond < 1 || requestsPerSecond > 1000)) {
    throw new CliError(`${CONFIG_NAMESPACE}:requestsPerSecond (${SETTINGS.requestsPerSecond}) must be an integer between 1 and 1000, got '${rpsRaw}'`, undefined, 2);
  }

  let client: DashboardClient | undefined = undefined;
  const wait = waiting(io, () => client?.pending() ?? [], { now: realClock.now });
  const say = (line: string) => wait.line(`debug: ${line}`);
  client = new DashboardClient({
    apiKey,
    baseUrl,
    baseUrlSource: settings.baseUrl.source,
    connectTimeoutMs,
    responseTimeoutMs,
    requestsPerSecond,
    userAgent: userAgent("CLI"),
    log: debug ? say : undefined,
  });
  if (debug) {
    say(`base URL ${baseUrl} (from ${settings.baseUrl.source}); connect timeout ${formatSeconds(connectTimeoutMs)} (from ${settings.connectTimeout.source}), response timeout ${formatSeconds(responseTimeoutMs)} (from ${settings.responseTimeout.source})`);
  }
  const close = async () => {
    wait.stop();
    await client!.close();
  };
  try {
    let organizationId = settings.org.value;
    if (!organizationId) {
      try {
        organizationId = await soleOrganization(client, `pick one with --org ID or ${SETTINGS.organizationId}`);
      } catch (err) {
        throw asCliError(err);
      }
      if (debug) say(`organization ${organizationId} (the key's only one)`);
    } else if (debug) say(`organization ${organizationId} (from ${settings.org.source})`);
    const engine = new Engine(client, {
      organizationId,
      maxActionsPerBatch: maxActions,
      synchronous: sync as SyncPreference,
      maxBatchesInFlight: maxInFlight,
      ledger: new FileLedger(defaultStateDir(io.env)),
    });
    return { client, engine, organizationId, baseUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Engine errors as one CLI line with a hint where one helps; the original stays as the cause (debug output). */
export function asCliError(err: unknown): unknown {
  if (!MerakiBatchError.is(err)) return err;
  const cli = (hint?: string) => new CliError(err.message, hint, 1, { cause: err });
  switch (err.code) {
    case "AUTH_FAILED":
      return cli(`check ${SETTINGS.apiKey}`);
    case "NETWORK_ERROR": {
      const timeout = (err as { details?: { timeout?: { phase: string } } }).details?.timeout;
      if (timeout?.phase === "response") {
        return cli(`the server took the request but did not answer in time. A slow server: raise --response-timeout SECONDS (${CONFIG_NAMESPACE}:responseTimeout, ${SETTINGS.responseTimeout}); the wrong one: --base-url`);
      }
      if (timeout?.phase === "connect") {
        return cli(`nothing accepted the connection in time: is the Dashboard API (or the emulator) reachable at that address? A slow network: raise --connect-timeout SECONDS (${CONFIG_NAMESPACE}:connectTimeout, ${SETTINGS.connectTimeout})`);
      }
      return cli(`is the Dashboard API (or the emulator) reachable at the base URL? Choose it with --base-url, ${CONFIG_NAMESPACE}:baseUrl or ${SETTINGS.baseUrl}`);
    }
    case "NOT_FOUND": {
      // The Dashboard API's paths start with /api/v1: a base URL with another path finds nothing.
      const url = (err as { details?: { url?: string } }).details?.url;
      if (url && !/^\/api\/v1\//.test(new URL(url).pathname)) {
        return cli(`the Dashboard API's paths start with /api/v1 (${new URL(url).origin}/api/v1): check the base URL (--base-url, ${CONFIG_NAMESPACE}:baseUrl or ${SETTINGS.baseUrl})`);
      }
      return cli();
    }
    case "ORGANIZATION_NOT_VISIBLE":
      return cli(`use one of those with --org ID (or ${CONFIG_NAMESPACE}:organizationId, ${SETTINGS.organizationId}), or an API key that sees it`);
    case "PLAN_STALE":
      return cli("make a new plan, or apply with --replan to re-plan against the live network");
    case "VALIDATION_FAILED": {
      // The same problem on many resources is one line (issue #21.5).
      const issues = (err as { issues?: ValidationIssue[] }).issues;
      return new CliError(issues?.length ? formatIssues(issues) : err.message, "fix the resources above; nothing was sent", 1, { cause: err });
    }
    default:
      return cli();
  }
}

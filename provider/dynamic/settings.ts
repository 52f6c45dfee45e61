/**
 * Provider settings: stack config (`meraki-batch:*`) first, then the environment, then defaults.
 * The same names as the CLI. Read at call time, never captured in the serialised provider.
 */
import { DEFAULTS, SyncPreference } from "../defaults";
import { MerakiBatchError } from "../errors";

export const CONFIG_NAMESPACE = "meraki-batch";

/** config key → environment variable */
export const SETTINGS = {
  apiKey: "MERAKI_DASHBOARD_API_KEY",
  baseUrl: "MERAKI_DASHBOARD_API_BASE_URL",
  organizationId: "MERAKI_ORGANIZATION_ID",
  maxBatchesInFlight: "MERAKI_BATCH_MAX_IN_FLIGHT",
  maxActionsPerBatch: "MERAKI_BATCH_MAX_ACTIONS",
  synchronous: "MERAKI_BATCH_SYNCHRONOUS",
  requestsPerSecond: "MERAKI_BATCH_REQUESTS_PER_SECOND",
  batchWindowMs: "MERAKI_BATCH_WINDOW_MS",
  batchMaxWaitMs: "MERAKI_BATCH_MAX_WAIT_MS",
  liveCacheTtlMs: "MERAKI_BATCH_LIVE_CACHE_TTL_MS",
  /** Seconds (decimals allowed), as the CLI's --connect-timeout. */
  connectTimeout: "MERAKI_BATCH_CONNECT_TIMEOUT",
  /** Seconds (decimals allowed), as the CLI's --response-timeout. */
  responseTimeout: "MERAKI_BATCH_RESPONSE_TIMEOUT",
} as const;

export type SettingName = keyof typeof SETTINGS;

export interface Settings {
  apiKey: string;
  baseUrl: string;
  /** Where baseUrl came from, for connection errors. */
  baseUrlSource: string;
  organizationId?: string;
  maxBatchesInFlight: number;
  maxActionsPerBatch: number;
  synchronous: SyncPreference;
  requestsPerSecond: number;
  /** The coalescer flushes once no call arrived for this long. */
  batchWindowMs: number;
  /** ...and at the latest this long after the first call of the flush. */
  batchMaxWaitMs: number;
  /** How long a collection read for diff and plan is reused within one Pulumi operation. */
  liveCacheTtlMs: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

export const DYNAMIC_DEFAULTS = {
  batchWindowMs: 250,
  liveCacheTtlMs: 30_000,
  /** A flush never waits longer than this after its first call. */
  batchMaxWaitMs: 2000,
  /** Cancelled or interrupted: how long the plugin waits for confirmed batches before it reports them unknown. */
  drainMs: 15_000,
};

export type Lookup = (name: SettingName) => string | undefined;

function int(name: SettingName, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new MerakiBatchError("CONFIG_INVALID", `${CONFIG_NAMESPACE}:${name} (or ${SETTINGS[name]}) must be an integer between ${min} and ${max}, got '${raw}'`);
  }
  return n;
}

/** A timeout setting in seconds ("5", "0.5") as milliseconds; undefined when it is not one. */
export function parseSeconds(raw: string): number | undefined {
  const s = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(s) || s <= 0 || s * 1000 > DEFAULTS.maxTimeoutMs) return undefined;
  return Math.round(s * 1000);
}

function seconds(name: SettingName, raw: string | undefined, fallbackMs: number): number {
  if (raw === undefined || raw === "") return fallbackMs;
  const ms = parseSeconds(raw);
  if (ms === undefined) {
    throw new MerakiBatchError("CONFIG_INVALID", `${CONFIG_NAMESPACE}:${name} (or ${SETTINGS[name]}) must be a number of seconds above 0 and at most ${DEFAULTS.maxTimeoutMs / 1000}, got '${raw}'`);
  }
  return ms;
}

/** What the Dashboard client takes from the settings (spread into its options). */
export function clientOptions(settings: Settings) {
  return {
    baseUrl: settings.baseUrl,
    baseUrlSource: settings.baseUrlSource,
    requestsPerSecond: settings.requestsPerSecond,
    connectTimeoutMs: settings.connectTimeoutMs,
    responseTimeoutMs: settings.responseTimeoutMs,
  };
}

/** Resolves every setting from `config` (stack config) then `env`. */
export function resolveSettings(config: Lookup, env: NodeJS.ProcessEnv = process.env): Settings {
  const fromConfig = (name: SettingName) => {
    const v = config(name);
    return v !== undefined && v !== "" ? v : undefined;
  };
  const get = (name: SettingName) => fromConfig(name) ?? (env[SETTINGS[name]] || undefined);
  const apiKey = get("apiKey");
  if (!apiKey) {
    throw new MerakiBatchError(
      "CONFIG_INVALID",
      `no Meraki Dashboard API key: run 'pulumi config set --secret ${CONFIG_NAMESPACE}:apiKey <key>' or set ${SETTINGS.apiKey}`,
    );
  }
  const synchronous = (get("synchronous") ?? DEFAULTS.synchronous) as SyncPreference;
  if (!["auto", "always", "never"].includes(synchronous)) {
    throw new MerakiBatchError("CONFIG_INVALID", `${CONFIG_NAMESPACE}:synchronous must be auto, always or never, got '${synchronous}'`);
  }
  return {
    apiKey,
    baseUrl: get("baseUrl") ?? DEFAULTS.baseUrl,
    baseUrlSource: fromConfig("baseUrl") ? `the stack config (${CONFIG_NAMESPACE}:baseUrl)` : get("baseUrl") ? SETTINGS.baseUrl : "the built-in default",
    organizationId: get("organizationId"),
    maxBatchesInFlight: int("maxBatchesInFlight", get("maxBatchesInFlight"), DEFAULTS.maxBatchesInFlight, 1, DEFAULTS.apiMaxBatchesInFlight),
    maxActionsPerBatch: int("maxActionsPerBatch", get("maxActionsPerBatch"), DEFAULTS.maxActionsPerBatch, 1, DEFAULTS.maxActionsPerBatch),
    synchronous,
    requestsPerSecond: int("requestsPerSecond", get("requestsPerSecond"), DEFAULTS.requestsPerSecond, 1, 1000),
    batchWindowMs: int("batchWindowMs", get("batchWindowMs"), DYNAMIC_DEFAULTS.batchWindowMs, 1, 60_000),
    batchMaxWaitMs: int("batchMaxWaitMs", get("batchMaxWaitMs"), DYNAMIC_DEFAULTS.batchMaxWaitMs, 1, 600_000),
    liveCacheTtlMs: int("liveCacheTtlMs", get("liveCacheTtlMs"), DYNAMIC_DEFAULTS.liveCacheTtlMs, 0, 3_600_000),
    connectTimeoutMs: seconds("connectTimeout", get("connectTimeout"), DEFAULTS.connectTimeoutMs),
    responseTimeoutMs: seconds("responseTimeout", get("responseTimeout"), DEFAULTS.responseTimeoutMs),
  };
}

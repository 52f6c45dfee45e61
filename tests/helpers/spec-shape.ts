/**
 * Compares API responses with the published response schemas (tests/fixtures/spec, from the
 * OpenAPI spec v1.42), property by property: every property must be in the schema (or be one of
 * the newer fields listed here, each with its source) and have the schema's type.
 */
import * as path from "path";

export interface Schema {
  type?: string;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema;
}

type Spec = { operations: Record<string, { method: string; path: string; status: number; request?: Schema; response: Schema }> };
const fixture = (file: string) => require(path.join(__dirname, "..", "fixtures", "spec", file)) as Spec;
/** The operations of the first fixture, then the campus switching ones (access policies, link aggregations, routing, devices). */
const spec: Spec = { operations: { ...fixture("openapi-v1.42-campus-schemas.json").operations, ...fixture("openapi-v1.42-schemas.json").operations } };

export const operation = (id: string) => {
  const op = spec.operations[id];
  if (!op) throw new Error(`no operation ${id} in the spec fixture`);
  return op;
};

/**
 * Response fields newer than v1.42, and where they are documented: the cisco.meraki collection's
 * generated info modules (meraki/dashboard-api-ansible devices_switch_ports_info,
 * networks_appliance_vlans_info) and GOSDK 2025's response structs.
 */
export const NEWER_FIELDS: Record<string, Schema> = {
  // switch port
  stpPortFastTrunk: { type: "boolean" },
  schedule: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
  macWhitelistLimit: { type: "integer" },
  adaptivePolicyGroup: { type: "object", properties: { id: { type: "string" }, name: { type: "string" } } },
  module: { type: "object", properties: { model: { type: "string" }, serial: { type: "string" }, slot: { type: "integer" } } },
  mirror: { type: "object", properties: { mode: { type: "string", enum: ["Destination port", "Source port", "Not mirroring traffic"] } } },
  dot3az: { type: "object", properties: { enabled: { type: "boolean" } } },
  highSpeed: { type: "object", properties: { enabled: { type: "boolean" } } },
  stackwiseVirtual: { type: "object", properties: { isStackWiseVirtualLink: { type: "boolean" }, isDualActiveDetector: { type: "boolean" } } },
  // VLAN
  sgt: { type: "object" },
  vrf: { type: "object" },
};

/**
 * Values real responses carry as null although the schema gives a plain type (ansible-meraki#342:
 * voiceVlan, portScheduleId; reference §3.1: dhcpBoot*).
 */
export const NULLABLE = new Set(["name", "vlan", "voiceVlan", "portScheduleId", "schedule", "adaptivePolicyGroupId", "adaptivePolicyGroup", "dhcpBootNextServer", "dhcpBootFilename", "iname", "model"]);

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function fits(expected: string | undefined, actual: string): boolean {
  if (!expected) return true;
  return expected === actual || (expected === "number" && actual === "integer");
}

export interface ShapeOptions {
  /** Fields a record may have beyond the schema's (default NEWER_FIELDS). */
  newer?: Record<string, Schema>;
  /** Types that override the schema's for a record's own fields, e.g. VLAN_EXCEPTIONS. */
  exceptions?: Record<string, string>;
  /** Fields that may be null beyond NULLABLE (e.g. what a description says "will be null" when …). */
  nullable?: string[];
}

/** The VLAN id is an integer in real responses, a string in the spec (meraki/openapi#54). */
export const VLAN_EXCEPTIONS: Record<string, string> = { id: "integer" };

function valueProblems(v: unknown, s: Schema, at: string, name: string, nullable: ReadonlySet<string> = NULLABLE): string[] {
  const actual = typeOf(v);
  if (actual === "null") return nullable.has(name) ? [] : [`${at}: null where the schema says ${s.type}`];
  if (!fits(s.type, actual)) return [`${at}: expected ${s.type}, got ${actual}`];
  const out: string[] = [];
  if (s.enum && !s.enum.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
  if (actual === "array" && s.items) (v as unknown[]).forEach((x, i) => out.push(...valueProblems(x, s.items!, `${at}[${i}]`, name, nullable)));
  if (actual === "object") {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      const sub = s.properties?.[k] ?? s.additionalProperties;
      if (sub) out.push(...valueProblems(x, sub, `${at}.${k}`, k, nullable));
      else if (s.properties) out.push(`${at}.${k}: not in the response schema`);
    }
  }
  return out;
}

/**
 * Problems of a response against its schema, e.g. "[0].linkNegotiation: expected string, got
 * number" or "networkId: not in the response schema". Empty when the response is spec-shaped.
 */
export function shapeProblems(value: unknown, schema: Schema, opts: ShapeOptions = {}): string[] {
  const newer = opts.newer ?? NEWER_FIELDS;
  const exceptions = opts.exceptions ?? {};
  const nullable = opts.nullable ? new Set([...NULLABLE, ...opts.nullable]) : NULLABLE;
  const record = (rec: unknown, s: Schema, at: string): string[] => {
    if (typeOf(rec) !== "object") return [`${at || "response"}: expected object, got ${typeOf(rec)}`];
    const out: string[] = [];
    for (const [k, v] of Object.entries(rec as Record<string, unknown>)) {
      const where = at ? `${at}.${k}` : k;
      // A schema without properties (VLAN settings: "type: object") does not say what it holds.
      const sub = s.properties ? (s.properties[k] ?? newer[k]) : {};
      if (!sub) out.push(`${where}: not in the response schema`);
      else out.push(...valueProblems(v, exceptions[k] ? { ...sub, type: exceptions[k] } : sub, where, k, nullable));
    }
    return out;
  };
  if (schema.type === "array") return Array.isArray(value) ? value.flatMap((r, i) => record(r, schema.items ?? {}, `[${i}]`)) : ["response: expected an array"];
  return record(value, schema, "");
}

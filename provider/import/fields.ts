/**
 * Which live fields a program can express, derived from the resource kinds' zod schemas (so a
 * field added to a schema is imported without a change here), and how a live object becomes the
 * fields a person would write: normalised as the diff sees them, without the values a fresh
 * object has anyway.
 */
import { z } from "zod";
import { VLAN_DEFAULTS } from "../../lib/vlan-defaults";
import { issueMessage } from "../plan/plan";
import { Kind } from "../resources/common";
import { PORT_DEFAULTS, normalise as normalisePort, switchPortSchema } from "../resources/switch-port";
import { deviceTagsSchema } from "../resources/device-tags";
import { normaliseFields as normaliseVlan, vlanSchema } from "../resources/vlan";
import { vlansSettingsSchema } from "../resources/vlans-settings";
import { ACCESS_POLICY_DEFAULTS, INTERFACE_DEFAULTS, STATIC_ROUTE_DEFAULTS } from "../../lib/campus-defaults";
import { deviceSchema, normalise as normaliseDevice } from "../resources/device";
import { linkAggregationSchema } from "../resources/link-aggregation";
import { accessPolicySchema } from "../resources/switch-access-policy";
import { routingInterfaceSchema } from "../resources/switch-routing-interface";
import { staticRouteSchema } from "../resources/switch-static-route";

type Fields = Record<string, unknown>;

/** What the importer needs to know about one kind. */
export interface KindFields {
  kind: Kind;
  schema: z.ZodObject;
  /** Properties that name the object or steer the SDK (adopt, onDelete…), not fields of the Meraki object. */
  sdkOnly: string[];
  /** Fields the API returns that the SDK's identity properties carry (a VLAN's id is its vlanId). */
  identity: string[];
  /** Fields the API returns but never takes (reference §3): not written, named once in the report. */
  readOnly: string[];
  /** Values an untouched object has: fields at these values are left out. */
  defaults: Fields;
  /** Fields held empty are written too: the object has no factory values to fall back on (a device's name or address). */
  keepEmpty?: boolean;
  normalise(fields: Fields): Fields;
}

/** The kinds an import writes. A new kind joins here with its fields. */
export type ImportableKind =
  | "vlansSettings"
  | "vlan"
  | "switchPort"
  | "deviceTags"
  | "device"
  | "switchAccessPolicy"
  | "linkAggregation"
  | "switchRoutingInterface"
  | "switchStaticRoute";

export const IMPORT_KINDS: Record<ImportableKind, KindFields> = {
  vlansSettings: {
    kind: "vlansSettings",
    schema: vlansSettingsSchema,
    sdkOnly: ["networkId", "onDelete"],
    identity: ["networkId"],
    readOnly: [],
    // Always written: whether VLANs are on is what the resource says, on or off.
    defaults: {},
    normalise: (f) => f,
  },
  vlan: {
    kind: "vlan",
    schema: vlanSchema,
    sdkOnly: ["networkId", "vlanId", "adopt"],
    identity: ["id", "networkId"],
    readOnly: ["interfaceId"],
    defaults: VLAN_DEFAULTS,
    normalise: normaliseVlan,
  },
  switchPort: {
    kind: "switchPort",
    schema: switchPortSchema,
    sdkOnly: ["serial", "portId", "onDelete"],
    identity: ["portId"],
    readOnly: ["linkNegotiationCapabilities", "schedule", "adaptivePolicyGroup", "mirror", "module", "stackwiseVirtual"],
    defaults: PORT_DEFAULTS,
    normalise: normalisePort,
  },
  deviceTags: {
    kind: "deviceTags",
    schema: deviceTagsSchema,
    sdkOnly: ["serial", "mode", "onDelete"],
    identity: ["serial"],
    readOnly: [],
    defaults: { tags: [] },
    normalise: (f) => f,
  },
  device: {
    kind: "device",
    schema: deviceSchema,
    sdkOnly: ["serial", "onDelete", "tags"],
    identity: ["serial"],
    readOnly: [],
    // A device has no factory name, address or notes: what it holds, empty or not, is written.
    defaults: {},
    keepEmpty: true,
    normalise: normaliseDevice,
  },
  switchAccessPolicy: {
    kind: "switchAccessPolicy",
    schema: accessPolicySchema,
    sdkOnly: ["networkId", "adopt"],
    identity: ["accessPolicyNumber", "networkId"],
    readOnly: [],
    defaults: ACCESS_POLICY_DEFAULTS,
    normalise: (f) => f,
  },
  linkAggregation: {
    kind: "linkAggregation",
    schema: linkAggregationSchema,
    sdkOnly: ["networkId", "adopt"],
    identity: ["id"],
    readOnly: [],
    defaults: {},
    normalise: (f) => f,
  },
  switchRoutingInterface: {
    kind: "switchRoutingInterface",
    schema: routingInterfaceSchema,
    sdkOnly: ["serial", "vlanId", "adopt"],
    identity: ["interfaceId", "vlanId"],
    readOnly: [],
    defaults: INTERFACE_DEFAULTS,
    // No default gateway (an interface that is not the switch's first) is nothing to write.
    normalise: (f) => (f.defaultGateway === null ? Object.fromEntries(Object.entries(f).filter(([k]) => k !== "defaultGateway")) : f),
  },
  switchStaticRoute: {
    kind: "switchStaticRoute",
    schema: staticRouteSchema,
    sdkOnly: ["serial", "adopt"],
    identity: ["staticRouteId"],
    readOnly: [],
    defaults: STATIC_ROUTE_DEFAULTS,
    normalise: (f) => f,
  },
};

/**
 * What is known of a kind's schema without a value, worked out once: a plan's ownership report
 * derives the fields of every live port of the switches it configures (50,000 at the largest).
 */
interface SchemaFacts {
  writable: readonly string[];
  /** The fields a live object may have that are not unknown: writable, identity and read-only. */
  known: ReadonlySet<string>;
  required: Map<string, boolean>;
  /** Per field: its nested object shape, its default as normalised, and whether the schema takes that default. */
  fields: Map<string, { nested: Record<string, z.ZodType> | undefined; def?: { value: unknown; valid: boolean } }>;
}
const SCHEMA_FACTS = new WeakMap<KindFields, SchemaFacts>();
function factsOf(k: KindFields): SchemaFacts {
  let facts = SCHEMA_FACTS.get(k);
  if (!facts) {
    const writable = Object.keys(k.schema.shape).filter((f) => !k.sdkOnly.includes(f));
    SCHEMA_FACTS.set(k, (facts = { writable, known: new Set([...writable, ...k.identity, ...k.readOnly]), required: new Map(), fields: new Map() }));
  }
  return facts;
}

function fieldFacts(k: KindFields, f: string): { nested: Record<string, z.ZodType> | undefined; def?: { value: unknown; valid: boolean } } {
  const known = factsOf(k).fields;
  let facts = known.get(f);
  if (!facts) {
    const schema = k.schema.shape[f] as z.ZodType;
    const value = f in k.defaults ? k.normalise({ [f]: k.defaults[f] })[f] : undefined;
    known.set(f, (facts = { nested: objectShape(schema), def: f in k.defaults ? { value, valid: schema.safeParse(value).success } : undefined }));
  }
  return facts;
}

/** The Meraki fields of a kind that a program can set, in schema order. */
export function writableFields(k: KindFields): readonly string[] {
  return factsOf(k).writable;
}

/** Whether a property must be given (its schema refuses undefined). */
export function isRequired(k: KindFields, field: string): boolean {
  const known = factsOf(k).required;
  let required = known.get(field);
  if (required === undefined) {
    const s = k.schema.shape[field] as z.ZodType | undefined;
    known.set(field, (required = !!s && !s.safeParse(undefined).success));
  }
  return required;
}

/** The shape of an object-valued field (through optional, nullable and default wrappers). */
function objectShape(schema: z.ZodType | undefined): Record<string, z.ZodType> | undefined {
  let s: unknown = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = (s.def as { innerType: unknown }).innerType;
  return s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>) : undefined;
}

/**
 * Whether `deriveFields(k, live)` surely declares no field outside `own`, decided without
 * normalising or parsing: every writable live field outside `own` holds the untouched value as it
 * is (or is empty where the untouched object has none). False means only: derive to know. The
 * ownership report asks this of every port of a program, 50,000 in a big one, nearly all of them
 * declared or untouched.
 */
export function nothingBeyond(k: KindFields, live: Fields, own: ReadonlySet<string>): boolean {
  for (const f of factsOf(k).writable) {
    const v = live[f];
    if (v === undefined || own.has(f)) continue;
    if (isRequired(k, f)) return false;
    const { def } = fieldFacts(k, f);
    if (def ? !def.valid || !deepEqual(v, def.value) : k.keepEmpty || !(v === null || (Array.isArray(v) && v.length === 0))) return false;
  }
  return true;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (!isPlain(a) || !isPlain(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => deepEqual(a[k], b[k]));
}

const isPlain = (v: unknown): v is Fields => typeof v === "object" && v !== null && !Array.isArray(v);

/** A field left out of the program, and why. */
export interface DroppedField {
  field: string;
  value: unknown;
  reason: string;
}

export interface Derived {
  /** The fields to write, normalised, in schema order. */
  fields: Fields;
  /** Fields with values the SDK does not accept. */
  dropped: DroppedField[];
  /** Fields (or sub-fields) the API returned that the SDK has no property for. */
  unknown: string[];
}

/**
 * The fields a program sets to reproduce `live`: every writable field whose value differs from
 * the untouched object's (nested objects: the differing sub-fields plus the required ones).
 */
export function deriveFields(k: KindFields, live: Fields): Derived {
  const { writable, known: knownFields } = factsOf(k);
  const unknown = Object.keys(live).filter((f) => live[f] !== undefined && !knownFields.has(f));
  const present: Fields = {};
  for (const f of writable) if (live[f] !== undefined) present[f] = live[f];
  const normalised = k.normalise(present);
  const fields: Fields = {};
  const dropped: DroppedField[] = [];
  for (const f of writable) {
    if (!(f in normalised)) continue;
    let value = normalised[f];
    const schema = k.schema.shape[f] as z.ZodType;
    const { nested, def: known } = fieldFacts(k, f);
    if (nested && isPlain(value)) {
      const extra = Object.keys(value).filter((s) => !(s in nested));
      unknown.push(...extra.map((s) => `${f}.${s}`));
      value = Object.fromEntries(Object.entries(value).filter(([s]) => s in nested));
    }
    // The untouched object's value (which the schema takes) is left out without parsing it again:
    // most fields of most ports, 50,000 of them in a big plan's ownership report.
    if (known?.valid && !isRequired(k, f) && deepEqual(value, known.value)) continue;
    const parsed = schema.safeParse(value);
    // A required field stays as it is: the resource cannot be written without it, which the
    // whole-resource check reports.
    if (!parsed.success && !isRequired(k, f)) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length ? `${issue.path.join(".")} ` : "";
      dropped.push({ field: f, value, reason: `${where}${issueMessage(issue)}` });
      continue;
    }
    const required = isRequired(k, f);
    // A field an untouched object does not have, held empty, is what the API fills in (a sticky
    // MAC allow list before it learns): nothing a person would write.
    if (!k.keepEmpty && !(f in k.defaults) && !required && (value === null || (Array.isArray(value) && value.length === 0))) continue;
    if (known && !required) {
      const def = known.value;
      if (deepEqual(value, def)) continue;
      if (nested && isPlain(value) && isPlain(def)) {
        // Only the sub-fields that differ, and the ones the schema requires.
        const v = value;
        const keep = Object.keys(v).filter((s) => !deepEqual(v[s], def[s]) || !nested[s].safeParse(undefined).success);
        value = Object.fromEntries(keep.map((s) => [s, v[s]]));
      }
    }
    fields[f] = value;
  }
  return { fields, dropped, unknown: [...new Set(unknown)] };
}

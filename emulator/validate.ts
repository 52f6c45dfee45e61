/**
 * Field checks that word their failures the way the Dashboard API does
 * ("'name' must be a string", "'accessPolicyType' must be one of: 'Open', … or '…'").
 */
import { parseIPv4 } from "../lib/ipv4";

export type Body = Record<string, unknown>;

export type Rule =
  | { type: "string"; nullable?: boolean; maxLength?: number; oneOf?: readonly string[] }
  | { type: "boolean" }
  | { type: "integer"; nullable?: boolean; min?: number; max?: number }
  | { type: "number"; min?: number; max?: number }
  | { type: "stringArray"; maxItems?: number }
  | { type: "object" }
  | { type: "array" };

export function oneOfMessage(field: string, values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted[quoted.length - 1]}` : quoted[0];
  return `'${field}' must be one of: ${list}`;
}

/** Integers may arrive as numbers or numeric strings (the API coerces them); null stays null. */
export function asInteger(value: unknown): number | null | undefined {
  if (value === null) return null;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

export function isPlainObject(value: unknown): value is Body {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks one present field against its rule; returns the API's message or undefined. */
export function checkField(field: string, value: unknown, rule: Rule): string | undefined {
  switch (rule.type) {
    case "string":
      if (value === null) return rule.nullable ? undefined : `'${field}' must be a string`;
      if (typeof value !== "string") return `'${field}' must be a string`;
      if (rule.oneOf && !rule.oneOf.includes(value)) return oneOfMessage(field, rule.oneOf);
      if (rule.maxLength !== undefined && value.length > rule.maxLength) {
        return `'${field}' is too long (maximum is ${rule.maxLength} characters)`;
      }
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : `'${field}' must be a boolean`;
    case "integer": {
      if (value === null) return rule.nullable ? undefined : `'${field}' must be an integer`;
      const n = asInteger(value);
      if (n === undefined || n === null) return `'${field}' must be an integer`;
      if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
        return `'${field}' must be between ${rule.min ?? "-∞"} and ${rule.max ?? "∞"}`;
      }
      return undefined;
    }
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return `'${field}' must be a number`;
      if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) {
        return `'${field}' must be between ${rule.min} and ${rule.max}`;
      }
      return undefined;
    case "stringArray":
      if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
        return `'${field}' must be an array of strings`;
      }
      if (rule.maxItems !== undefined && value.length > rule.maxItems) {
        return `'${field}' can have at most ${rule.maxItems} entries`;
      }
      return undefined;
    case "object":
      return isPlainObject(value) ? undefined : `'${field}' must be an object`;
    case "array":
      return Array.isArray(value) ? undefined : `'${field}' must be an array`;
  }
}

/** Checks every field of `body` that has a rule; fields without a rule are left to the caller. */
export function checkFields(body: Body, rules: Record<string, Rule>): string[] {
  const problems: string[] = [];
  for (const [field, rule] of Object.entries(rules)) {
    if (body[field] === undefined) continue;
    const message = checkField(field, body[field], rule);
    if (message) problems.push(message);
  }
  return problems;
}

/** Only the keys that have rules: unknown and read-only fields in a write body are ignored, as the API does. */
export function pick(body: Body, keys: Iterable<string>): Body {
  const out: Body = {};
  for (const k of keys) if (body[k] !== undefined) out[k] = body[k];
  return out;
}

export function isIPv4(text: unknown): text is string {
  return typeof text === "string" && parseIPv4(text) !== null;
}

const MAC = /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i;
export function isMac(text: unknown): text is string {
  return typeof text === "string" && MAC.test(text);
}

/**
 * Tags: an array of strings in v1. Legacy (v0) resources send a space-separated string.
 * A tag cannot contain whitespace, since v0 joined tags with spaces.
 */
export function parseTags(field: string, value: unknown, legacy: boolean): { tags?: string[]; error?: string } {
  let tags: unknown = value;
  if (legacy && typeof value === "string") tags = value.split(/\s+/).filter((t) => t !== "");
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string")) {
    return { error: `'${field}' must be an array of strings` };
  }
  const bad = (tags as string[]).find((t) => t.trim() === "" || /\s/.test(t));
  if (bad !== undefined) return { error: `'${field}' entries must be non-empty and contain no spaces ('${bad}')` };
  return { tags: [...new Set(tags as string[])] };
}

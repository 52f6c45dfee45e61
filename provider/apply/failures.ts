/**
 * The API names a failed action only inside a string (reference §1.4):
 * `Error occurred while executing <op> <resource> with <body JSON>: <message>`.
 * These functions take the string apart and find the action it is about.
 */
import { isDeepStrictEqual } from "util";
import { Action } from "../dashboard/batches";

export interface ParsedFailure {
  operation: string;
  resource: string;
  body: unknown;
  message: string;
}

const PREFIX = /^Error occurred while executing (\S+) (\S+) with /;

export function parseFailure(text: string): ParsedFailure | undefined {
  const m = PREFIX.exec(text);
  if (!m) return undefined;
  const rest = text.slice(m[0].length);
  // The body is JSON and may itself contain ": ", so try each split point until the JSON parses.
  for (let i = rest.indexOf(": "); i >= 0; i = rest.indexOf(": ", i + 1)) {
    try {
      const body = JSON.parse(rest.slice(0, i));
      return { operation: m[1], resource: m[2], body, message: rest.slice(i + 2) };
    } catch {
      // not there yet
    }
  }
  return undefined;
}

const samePath = (a: string, b: string) => {
  const norm = (s: string) => {
    const trimmed = s.replace(/\/+$/, "");
    try {
      return decodeURIComponent(trimmed);
    } catch {
      return trimmed;
    }
  };
  return norm(a) === norm(b);
};

/** Index of the action the failure is about: operation, resource and body; else operation and resource alone. */
export function findFailedAction(actions: Action[], failure: ParsedFailure): number {
  const candidates = actions.map((a, i) => ({ a, i })).filter(({ a }) => a.operation === failure.operation && samePath(a.resource, failure.resource));
  const exact = candidates.find(({ a }) => isDeepStrictEqual(a.body ?? {}, failure.body ?? {}));
  return (exact ?? candidates[0])?.i ?? -1;
}

/** The user-facing part of the message: "Validation failed: Vlan has already been taken" → "Vlan has already been taken". */
export function reasonOf(message: string): string {
  return message.replace(/^Validation failed:\s*/, "");
}

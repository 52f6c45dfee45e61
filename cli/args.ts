/** Argument parsing on top of node:util parseArgs, with errors worded for the CLI. */
import { parseArgs } from "util";
import { CliError } from "./errors";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
}

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: Record<string, OptionSpec>): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    return { values: values as Parsed["values"], positionals };
  } catch (err) {
    throw new CliError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ""), `run 'meraki-batch ${command} --help'`, 2);
  }
}

export function intOption(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || !Number.isInteger(n) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer between ${min} and ${max}, got '${String(value)}'`, undefined, 2);
  }
  return n;
}

/** Argument parsing on top of node:util parseArgs, with errors worded for the CLI. */
import { parseArgs, ParseArgsConfig } from "util";
import { CliError } from "./errors";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export function parse<T extends Options>(command: string, argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ""), `run 'meraki-batch ${command} --help'`, 2);
  }
}

export function intOption(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(`--${name} must be an integer between ${min} and ${max}, got '${value}'`, undefined, 2);
  return n;
}

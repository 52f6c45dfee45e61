#!/usr/bin/env node
/**
 * meraki-batch: plans and applies Meraki changes through action batches.
 * Every error is reported as one line plus a hint; never a stack trace.
 */
import { CliError } from "./errors";
import { INTERRUPTED_EXIT, Interrupted, interruptByDefault, interruptedMessage } from "./interrupt";
import { debugEnabled } from "./io";

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number>; help: string }>;
}

const COMMANDS: Record<string, Command> = {
  plan: { summary: "show what a Pulumi program would change, and the exact batches", load: () => import("./commands/plan") },
  apply: { summary: "apply a program or a saved plan through action batches", load: () => import("./commands/apply") },
  import: { summary: "write a Pulumi program from the live network, whose first plan is empty", load: () => import("./commands/import") },
  batches: { summary: "list, show, confirm or delete the organization's action batches", load: () => import("./commands/batches") },
  emulator: { summary: "run the local Dashboard API emulator", load: () => import("./commands/emulator") },
  demo: { summary: "plan, apply, drift and repair against an embedded emulator", load: () => import("./commands/demo") },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `Usage: meraki-batch <command> [options]

Infrastructure as code for Cisco Meraki through the Dashboard API's action batches.

Commands:
${lines.join("\n")}

Run 'meraki-batch <command> --help' for a command's options.
`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    process.stdout.write(`${require("../../package.json").version}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new CliError(`unknown command '${name}'`, "run 'meraki-batch --help' for the list of commands", 2);
  const mod = await command.load();
  return mod.run(rest);
}

export function reportError(err: unknown, stderr: NodeJS.WritableStream = process.stderr, env: NodeJS.ProcessEnv = process.env): number {
  const debug = debugEnabled(env);
  if (err instanceof Interrupted) {
    stderr.write(interruptedMessage());
    return INTERRUPTED_EXIT;
  }
  if (err instanceof CliError) {
    stderr.write(`error: ${err.message}\n`);
    if (err.hint) stderr.write(`hint: ${err.hint}\n`);
    if (debug) stderr.write(debugDetails(err));
    return err.exitCode;
  }
  const e = err as Error | undefined;
  stderr.write(`error: ${e?.message ?? String(err)}\n`);
  if (debug) stderr.write(debugDetails(err));
  else stderr.write("hint: set MERAKI_BATCH_DEBUG=1 for details\n");
  return 1;
}

/** MERAKI_BATCH_DEBUG: what the one-line error leaves out (stacks, request details), cause by cause. */
export function debugDetails(err: unknown): string {
  const out: string[] = [];
  const seen = new Set<unknown>();
  for (let e: unknown = err; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    if (e instanceof CliError) {
      // Its own stack is the CLI's, not the problem's; its debug text, when given, says it all.
      if (e.debug) {
        out.push(e.debug);
        break;
      }
      continue;
    }
    const details = (e as { details?: unknown }).details;
    if (details) out.push(`details: ${JSON.stringify(details)}`);
    out.push(e instanceof Error ? (e.stack ?? String(e)) : String(e));
  }
  return out.map((block) => block.split("\n").map((l) => `debug: ${l}`).join("\n") + "\n").join("");
}

/** Exits once stdout and stderr are flushed: process.exit() alone cuts a long plan short in a pipe. */
function exit(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write("", done);
  process.stderr.write("", done);
}

if (require.main === module) {
  interruptByDefault();
  main(process.argv.slice(2)).then(exit, (err) => exit(reportError(err)));
}

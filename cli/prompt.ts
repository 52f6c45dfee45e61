/** Asks for confirmation on a terminal. */
import * as readline from "readline";
import { CliError } from "./errors";
import { Io } from "./io";

export async function confirm(io: Io, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new CliError("refusing to apply without --yes: not on a terminal, so nobody can confirm", "review the plan, then run again with --yes");
  }
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} Only 'yes' will be accepted: `, resolve));
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}

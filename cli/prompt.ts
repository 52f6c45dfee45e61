/** Asks for confirmation on a terminal. */
import * as readline from "readline";
import { CliError } from "./errors";
import { Interrupted } from "./interrupt";
import { Io } from "./io";

export async function confirm(io: Io, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new CliError("refusing to apply without --yes: not on a terminal, so nobody can confirm", "review the plan, then run again with --yes");
  }
  const rl = readline.createInterface({ input: io.stdin, output: io.stdout });
  try {
    const answer = await new Promise<string>((resolve, reject) => {
      // Ctrl-C reaches a terminal prompt as input; without a listener readline would only pause,
      // and the process would end with code 0 as if the apply had gone well.
      rl.once("SIGINT", () => reject(new Interrupted()));
      // Ctrl-D or a closed input: no answer, so not 'yes'.
      rl.once("close", () => resolve(""));
      rl.question(`${question} Only 'yes' will be accepted: `, resolve);
    });
    return answer.trim() === "yes";
  } finally {
    rl.close();
  }
}

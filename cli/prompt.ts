/** Asks for confirmation on a terminal. */
import * as readline from "readline";
import { CliError } from "./errors";
import { Interrupted } from "./interrupt";
import { Io } from "./io";

/** What is refused without --yes off a terminal, in the command's own words. */
export interface Refusal {
  /** "apply", "confirm the batch", "delete the drafts" */
  doing: string;
  hint: string;
}

const APPLY: Refusal = { doing: "apply", hint: "review the plan, then run again with --yes" };

export async function confirm(io: Io, question: string, yes: boolean, refusal: Refusal = APPLY): Promise<boolean> {
  if (yes) return true;
  if (!io.stdin.isTTY || !io.stdout.isTTY) {
    throw new CliError(`refusing to ${refusal.doing} without --yes: not on a terminal, so nobody can confirm`, refusal.hint);
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

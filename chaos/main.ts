#!/usr/bin/env node
/**
 * npm run chaos -- [--iterations N] [--seed S] [--jobs J] [--json] [--keep] [--verbose]
 *
 * Random programs × random faults against the emulator, checked after every run (chaos/checks.ts).
 * Exits 0 when no invariant was violated, 1 otherwise, 2 on bad usage.
 */
import { parseArgs } from "util";
import { formatCampaign, runCampaign } from "./campaign";
import { CLI_MAIN, running } from "./processes";
import * as fs from "fs";

const USAGE = `Usage: npm run chaos -- [--iterations N] [--seed S] [--jobs J] [--json] [--keep] [--verbose]

Runs N chaos iterations (default 20) with seeds S, S+1, … (default: a random S, printed). Each
iteration starts its own emulator, applies random programs with random faults (emulator faults,
the CLI killed or interrupted, the API killed and restarted, re-runs, two runs at once), then a
clean run, and checks the invariants after every run.

  --iterations N   how many iterations
  --seed S         the first iteration's seed; a failure prints the seed of its iteration
  --jobs J         iterations at the same time (default 1; each has its own emulator)
  --json           print the figures and violations as JSON
  --keep           keep every iteration's directory (programs, emulator state, run output)
  --verbose        print every event (runs started and ended, faults, signals)
`;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        iterations: { type: "string" },
        seed: { type: "string" },
        jobs: { type: "string" },
        json: { type: "boolean" },
        keep: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const int = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const x = Number(raw);
    if (!Number.isInteger(x) || x < min || x > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return x;
  };
  let iterations: number, seed: number, jobs: number;
  try {
    iterations = int("iterations", values.iterations, 20, 1, 1_000_000);
    seed = int("seed", values.seed, Math.floor(Math.random() * 2 ** 31), 0, 2 ** 32 - 1);
    jobs = int("jobs", values.jobs, 1, 1, 16);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    return 2;
  }
  if (!fs.existsSync(CLI_MAIN)) {
    process.stderr.write(`${CLI_MAIN} does not exist: run npm run build first\n`);
    return 2;
  }
  process.stderr.write(`chaos: ${iterations} iteration(s) from seed ${seed}, ${jobs} at a time (the same campaign again: npm run chaos -- --iterations ${iterations} --seed ${seed})\n`);
  const result = await runCampaign({ iterations, seed, jobs, keep: values.keep, verbose: values.verbose, progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(values.json ? JSON.stringify(result, null, 2) + "\n" : formatCampaign(result));
  return result.violations.length || result.runnerErrors.length ? 1 : 0;
}

// Interrupted: the emulators and runs it started go with it.
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    for (const p of running) p.signal("SIGKILL");
    process.stderr.write(`chaos: ${sig}, stopped ${running.size} process(es) it had started\n`);
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`chaos: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);

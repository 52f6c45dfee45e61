/**
 * The real Pulumi CLI (built by `npm run pulumi:install`, tools/pulumi/) run as a user runs it: in a
 * project directory, `pulumi up`, `preview`, `refresh`, `destroy`, `import`, with a file backend and
 * no network but the emulator. A project is a copy of a program directory in a temporary directory
 * whose node_modules links to this repository's (so `meraki-batch` and `@pulumi/pulumi` resolve as
 * in a user's project), with its own stack file pointing at the emulator.
 *
 * Without the toolchain the real-engine tests skip, printing why; under CI=true they fail instead.
 */
import { findToolchain, Toolchain } from "../../tools/pulumi/toolchain";

export * from "../../tools/pulumi/project";

/** The toolchain, or undefined with the reason printed (skip). Under CI a missing toolchain is an error. */
export function realPulumi(): Toolchain | undefined {
  const tc = findToolchain();
  if ("missing" in tc) {
    if (process.env.CI === "true") throw new Error(`CI=true and the real Pulumi toolchain is missing: ${tc.missing}`);
    console.log(`skipping the real-engine tests: ${tc.missing}`);
    return undefined;
  }
  return tc;
}

/** `describe` when the real CLI is installed, else `describe.skip` (after printing why). */
export function describeReal(name: string, fn: (tc: Toolchain) => void): void {
  const tc = realPulumi();
  if (tc) describe(`${name} (pulumi ${tc.version}, real engine)`, () => fn(tc));
  else describe.skip(name, () => fn(undefined as unknown as Toolchain));
}


/**
 * The README shows excerpts of real `pulumi` output under `<!-- pulumi-excerpt: NAME -->`: each
 * line of that block ("…" lines aside) must be a line of `output`. The engine's order, durations
 * and numbers (batch ids, counts) vary from run to run: lines are compared without durations and
 * with every number as N, in any order.
 */
export function readmeExcerptMisses(readme: string, name: string, output: string): string[] {
  const block = new RegExp(`<!-- pulumi-excerpt: ${name} -->\\n+(\`{3,})\\w*\\n([\\s\\S]*?)\\n\\1`).exec(readme);
  if (!block) return [`no excerpt '${name}' in the README`];
  const norm = (l: string) => l.replace(/ \(\d+(\.\d+)?m?s\)/g, "").replace(/\d+/g, "N").trimEnd();
  const lines = new Set(output.split("\n").map(norm));
  return block[2].split("\n").filter((l) => l.trim() !== "…" && !lines.has(norm(l)));
}

/** The streams and environment a command runs with (injected in tests). */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const processIo = (): Io => ({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });

/** ANSI colours on a terminal unless NO_COLOR is set. */
export function colours(io: Io) {
  const on = !!io.stdout.isTTY && !io.env.NO_COLOR;
  const wrap = (code: string) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { green: wrap("32"), yellow: wrap("33"), red: wrap("31"), dim: wrap("2"), bold: wrap("1"), cyan: wrap("36") };
}

export type Colours = ReturnType<typeof colours>;

/** MERAKI_BATCH_DEBUG=1 (any value but "", "0" or "false"): stacks and a line per request on stderr. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  const v = env.MERAKI_BATCH_DEBUG?.trim().toLowerCase();
  return !!v && v !== "0" && v !== "false";
}

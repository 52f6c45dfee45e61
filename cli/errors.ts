/** An error the CLI reports as one line (plus an optional hint), never as a stack trace. */
export class CliError extends Error {
  /** Shown only with MERAKI_BATCH_DEBUG (a whole stack, the compiler's full text…). */
  readonly debug?: string;

  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
    options: { cause?: unknown; debug?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.debug = options.debug;
  }
}

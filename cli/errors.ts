/** An error the CLI reports as one line (plus an optional hint), never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

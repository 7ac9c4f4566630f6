/** A bad command line (unknown command or option, missing or invalid value): exit code 2 with usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;

  constructor(
    message: string,
    /** The usage text to print after the one-line message. */
    readonly usage: string,
  ) {
    super(message);
  }
}

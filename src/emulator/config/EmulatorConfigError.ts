/**
 * An invalid emulator configuration: a bad value, a missing or duplicate queue name, a file that
 * cannot be read or is not JSON. `field` is the JSON path of the offending value
 * (e.g. `UserConfig.Namespaces[0].Queues[1].Properties.LockDuration`; `''` for the whole document)
 * and `file` the configuration file, when there is one. The message names both and the problem.
 */
export class EmulatorConfigError extends Error {
  override readonly name = 'EmulatorConfigError' as const;
  /** The configuration file the error was found in, when the configuration came from a file. */
  readonly file: string | undefined;

  constructor(
    /** JSON path of the offending value; `''` when the whole document is at fault. */
    readonly field: string,
    /** What is wrong, e.g. `must be a positive integer (got 0)`. */
    readonly problem: string,
    options?: { readonly cause?: unknown; readonly file?: string | undefined },
  ) {
    const where = [options?.file === undefined ? undefined : `file '${options.file}'`, field === '' ? undefined : field]
      .filter((part): part is string => part !== undefined)
      .join(', ');
    super(
      `Invalid emulator configuration${where === '' ? '' : ` (${where})`}: ${problem}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.file = options?.file;
  }
}

/** Type guard that also works across duplicated module copies (checks `name` and `field`). */
export function isEmulatorConfigError(e: unknown): e is EmulatorConfigError {
  return (
    e instanceof EmulatorConfigError ||
    (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'EmulatorConfigError' && 'field' in e)
  );
}

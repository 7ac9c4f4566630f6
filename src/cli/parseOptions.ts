import { UsageError } from './UsageError';

/** An option of a command: `--name VALUE` (`value` names the placeholder) or a `--name` flag. */
export interface OptionSpec {
  /** `'value'`: takes a value (`--name V` or `--name=V`); `'flag'`: takes none. */
  readonly kind: 'value' | 'flag';
  /** The only short form accepted, if any (without the dash), e.g. `'h'` for `-h`. */
  readonly short?: string;
}

/** What `parseOptions` found: each given option's value (`true` for a flag). */
export type ParsedOptions<K extends string> = Partial<Record<K, string | true>>;

/**
 * Parses `argv` against `specs`, with every error in the CLI's own words:
 * `--name VALUE`, `--name=VALUE`, `--flag`, and the short forms the specs declare (`-h`). A value may
 * start with `-` (`--duration -1` is the value `-1`, reported by the caller as out of range), but not with `--`.
 * @throws UsageError (one line, with `usage`) for an unknown option, an undeclared short form, an option
 *   given twice, a missing value, a value given to a flag, or a positional argument.
 */
export function parseOptions<K extends string>(argv: readonly string[], specs: Readonly<Record<K, OptionSpec>>, usage: string): ParsedOptions<K> {
  const fail = (message: string): never => {
    throw new UsageError(message, usage);
  };
  const names = Object.keys(specs) as K[];
  const byShort = new Map(names.flatMap((name) => (specs[name].short === undefined ? [] : [[specs[name].short, name] as const])));
  const found: ParsedOptions<K> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    let name: K | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--') && arg.length > 2) {
      const eq = arg.indexOf('=');
      const key = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      name = names.find((n) => n === key);
      if (name === undefined) fail(`unknown option '--${key}'`);
    } else if (arg.startsWith('-') && arg.length > 1 && arg !== '--') {
      name = byShort.get(arg.slice(1));
      if (name === undefined) fail(`unknown option '${arg}'`);
    } else {
      fail(`unexpected argument '${arg}'`);
    }
    const option = name as K;
    if (found[option] !== undefined) fail(`option --${option} is given twice`);
    if (specs[option].kind === 'flag') {
      if (inline !== undefined) fail(`option --${option} takes no value`);
      found[option] = true;
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) fail(`option --${option} needs a value`);
    if (inline === undefined) i++;
    found[option] = value as string;
  }
  return found;
}

import { parseOptions } from './parseOptions';
import { UsageError } from './UsageError';
import { emulatorUsage } from './usage';

/** The parsed command line of `servicebus-rx emulator`. */
export interface EmulatorArgs {
  readonly help: boolean;
  /** 0..65535; default 5672. */
  readonly port: number;
  /** Default `127.0.0.1`. */
  readonly host: string;
  /** Path of a `Config.json`, when given. */
  readonly configFile: string | undefined;
  /** `--sas-key-name` / `--sas-key`: the one Manage key, when given. */
  readonly sasKeyName: string | undefined;
  readonly sasKey: string | undefined;
  /** `--sas-keys-file`: a JSON file of named keys with rights, when given. */
  readonly sasKeysFile: string | undefined;
  /** `--verbose`: log connections, links, sessions and settlements to stderr. */
  readonly verbose: boolean;
  /** `--http-port N`: a port of its own for the HTTP side (it is always on `port` too). */
  readonly httpPort: number | undefined;
}

/** Default port of the CLI (the AMQP port; the SDK's default for `UseDevelopmentEmulator=true`). */
export const defaultCliPort = 5672;
/** Default interface of the CLI. */
export const defaultCliHost = '127.0.0.1';

/**
 * Parses the arguments after `emulator` (`--port N` / `-p N`, `--host H`, `--config FILE` / `-c FILE`,
 * `--sas-key-name NAME`, `--sas-key KEY`, `--sas-keys-file FILE`, `--http-port N`, `--verbose`, `--help` / `-h`;
 * `--opt=value` works too), with every error in the CLI's own words (see `parseOptions`).
 * @throws UsageError (one-line message) for an unknown option, a positional argument, an option given
 *   twice, a missing value, a port that is not an integer from 0 to 65535, an empty value, or
 *   `--sas-keys-file` together with `--sas-key` / `--sas-key-name`.
 */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  const values = parseOptions(
    argv,
    {
      port: { kind: 'value', short: 'p' },
      host: { kind: 'value' },
      config: { kind: 'value', short: 'c' },
      'sas-key': { kind: 'value' },
      'sas-key-name': { kind: 'value' },
      'sas-keys-file': { kind: 'value' },
      'http-port': { kind: 'value' },
      verbose: { kind: 'flag' },
      help: { kind: 'flag', short: 'h' },
    },
    emulatorUsage,
  );
  const text = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  const none = { sasKeyName: undefined, sasKey: undefined, sasKeysFile: undefined, httpPort: undefined };
  const verbose = values.verbose === true;
  if (values.help === true) return { help: true, port: defaultCliPort, host: defaultCliHost, configFile: undefined, verbose, ...none };
  const optional = (option: string, value: string | true | undefined): string | undefined => (text(value) === undefined ? undefined : nonEmpty(option, text(value) as string));
  const sasKeysFile = optional('--sas-keys-file', values['sas-keys-file']);
  const sasKeyName = optional('--sas-key-name', values['sas-key-name']);
  const sasKey = optional('--sas-key', values['sas-key']);
  if (sasKeysFile !== undefined && (sasKey !== undefined || sasKeyName !== undefined)) {
    throw new UsageError("option '--sas-keys-file' cannot be combined with '--sas-key' or '--sas-key-name'", emulatorUsage);
  }
  const port = text(values.port);
  const host = text(values.host);
  return {
    help: false,
    port: port === undefined ? defaultCliPort : parsePort(port),
    host: host === undefined ? defaultCliHost : nonEmpty('--host', host),
    configFile: optional('--config', values.config),
    sasKeyName,
    sasKey,
    sasKeysFile,
    verbose,
    httpPort: text(values['http-port']) === undefined ? undefined : parsePort(text(values['http-port']) as string, '--http-port'),
  };
}

function parsePort(text: string, option = '--port'): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65_535)) {
    throw new UsageError(`invalid ${option} ${JSON.stringify(text)}: expected an integer from 0 to 65535`, emulatorUsage);
  }
  return port;
}

function nonEmpty(option: string, text: string): string {
  if (text.trim() === '') throw new UsageError(`option '${option}' needs a non-empty value`, emulatorUsage);
  return text;
}

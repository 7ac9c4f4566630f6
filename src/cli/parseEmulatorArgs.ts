import { parseArgs } from 'node:util';

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
  /** `--http-port N`: a port of its own for the HTTP side (it is always on `port` too). */
  readonly httpPort: number | undefined;
}

/** Default port of the CLI (the AMQP port; the SDK's default for `UseDevelopmentEmulator=true`). */
export const defaultCliPort = 5672;
/** Default interface of the CLI. */
export const defaultCliHost = '127.0.0.1';

/**
 * Parses the arguments after `emulator` (`--port N`, `--host H`, `--config FILE`, `--sas-key-name NAME`,
 * `--sas-key KEY`, `--sas-keys-file FILE`, `--http-port N`, `--help`; `--opt=value` works too).
 * @throws UsageError (one-line message) for an unknown option, a positional argument, a missing value,
 *   a port that is not an integer from 0 to 65535, an empty value, or `--sas-keys-file` together with
 *   `--sas-key` / `--sas-key-name`.
 */
export function parseEmulatorArgs(argv: readonly string[]): EmulatorArgs {
  let values: {
    port?: string;
    host?: string;
    config?: string;
    help?: boolean;
    'sas-key'?: string;
    'sas-key-name'?: string;
    'sas-keys-file'?: string;
    'http-port'?: string;
  };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        config: { type: 'string', short: 'c' },
        'sas-key': { type: 'string' },
        'sas-key-name': { type: 'string' },
        'sas-keys-file': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        'http-port': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError(firstSentence(cause), emulatorUsage);
  }
  const none = { sasKeyName: undefined, sasKey: undefined, sasKeysFile: undefined, httpPort: undefined };
  if (values.help === true) return { help: true, port: defaultCliPort, host: defaultCliHost, configFile: undefined, ...none };
  const optional = (option: string, text: string | undefined): string | undefined => (text === undefined ? undefined : nonEmpty(option, text));
  const sasKeysFile = optional('--sas-keys-file', values['sas-keys-file']);
  const sasKeyName = optional('--sas-key-name', values['sas-key-name']);
  const sasKey = optional('--sas-key', values['sas-key']);
  if (sasKeysFile !== undefined && (sasKey !== undefined || sasKeyName !== undefined)) {
    throw new UsageError("option '--sas-keys-file' cannot be combined with '--sas-key' or '--sas-key-name'", emulatorUsage);
  }
  return {
    help: false,
    port: values.port === undefined ? defaultCliPort : parsePort(values.port),
    host: values.host === undefined ? defaultCliHost : nonEmpty('--host', values.host),
    configFile: optional('--config', values.config),
    sasKeyName,
    sasKey,
    sasKeysFile,
    httpPort: values['http-port'] === undefined ? undefined : parsePort(values['http-port'], '--http-port'),
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

/** node:util parseArgs messages can span lines and carry advice; keep the first sentence. */
function firstSentence(cause: unknown): string {
  const message = String((cause as { message?: unknown } | null)?.message ?? cause);
  const line = message.split('\n')[0] ?? message;
  const end = line.indexOf('. ');
  return end === -1 ? line.replace(/\.$/, '') : line.slice(0, end);
}

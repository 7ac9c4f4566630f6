import { parseArgs } from 'node:util';

import { UsageError } from '../UsageError';
import { demoUsage } from './demoUsage';

/** The parsed command line of `servicebus-rx demo`. */
export interface DemoArgs {
  readonly help: boolean;
  /** Seconds during which orders are sent. */
  readonly durationSeconds: number;
  /** Customers (sessions). */
  readonly sessions: number;
  /** Messages per customer. */
  readonly messagesPerSession: number;
  /** Force plain progress lines even on a TTY. */
  readonly plain: boolean;
}

/** Defaults of the demo: a run of about 10–20 s. */
export const demoDefaults: Omit<DemoArgs, 'help' | 'plain'> = { durationSeconds: 12, sessions: 16, messagesPerSession: 6 };

/**
 * Parses the arguments after `demo` (`--duration S`, `--sessions N`, `--messages N`, `--plain`, `--help`;
 * `--opt=value` works too).
 * @throws UsageError (one-line message) for an unknown option, a positional argument, a missing value or
 *   a value out of range.
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  let values: { duration?: string; sessions?: string; messages?: string; plain?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        duration: { type: 'string', short: 'd' },
        sessions: { type: 'string', short: 's' },
        messages: { type: 'string', short: 'm' },
        plain: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError(firstSentence(cause), demoUsage);
  }
  return {
    help: values.help === true,
    plain: values.plain === true,
    durationSeconds: values.duration === undefined ? demoDefaults.durationSeconds : number('--duration', values.duration, 1, 300, false),
    sessions: values.sessions === undefined ? demoDefaults.sessions : number('--sessions', values.sessions, 1, 100, true),
    messagesPerSession: values.messages === undefined ? demoDefaults.messagesPerSession : number('--messages', values.messages, 2, 50, true),
  };
}

function number(option: string, text: string, min: number, max: number, integer: boolean): number {
  const value = /^\s*$/.test(text) ? NaN : Number(text);
  if (!(value >= min && value <= max) || (integer && !Number.isInteger(value))) {
    const kind = integer ? 'an integer' : 'a number';
    throw new UsageError(`invalid ${option} ${JSON.stringify(text)}: expected ${kind} from ${min} to ${max}`, demoUsage);
  }
  return value;
}

/** node:util parseArgs messages can span lines and carry advice; keep the first sentence. */
function firstSentence(cause: unknown): string {
  const message = String((cause as { message?: unknown } | null)?.message ?? cause);
  const line = message.split('\n')[0] ?? message;
  const end = line.indexOf('. ');
  return end === -1 ? line.replace(/\.$/, '') : line.slice(0, end);
}

import { parseOptions } from '../parseOptions';
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
 * Parses the arguments after `demo` (`--duration S`, `--sessions N`, `--messages N`, `--plain`, `--help` / `-h`;
 * `--opt=value` works too).
 * @throws UsageError (one-line message in the CLI's own words) for an unknown option, a positional argument,
 *   an option given twice, a missing value or a value out of range.
 */
export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const values = parseOptions(
    argv,
    { duration: { kind: 'value' }, sessions: { kind: 'value' }, messages: { kind: 'value' }, plain: { kind: 'flag' }, help: { kind: 'flag', short: 'h' } },
    demoUsage,
  );
  const text = (v: string | true | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  const duration = text(values.duration);
  const sessions = text(values.sessions);
  const messages = text(values.messages);
  return {
    help: values.help === true,
    plain: values.plain === true,
    durationSeconds: duration === undefined ? demoDefaults.durationSeconds : number('--duration', duration, 1, 300, false),
    sessions: sessions === undefined ? demoDefaults.sessions : number('--sessions', sessions, 1, 100, true),
    messagesPerSession: messages === undefined ? demoDefaults.messagesPerSession : number('--messages', messages, 2, 50, true),
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

import { createClientLogger, type AzureLogger } from '@azure/logger';
import { redactSecrets } from './loggerRedaction';

/** Severity of a log line, most verbose first (the `@azure/logger` levels). */
export type LogLevel = 'verbose' | 'info' | 'warning' | 'error';

/**
 * One namespace of this library's diagnostics (`azure:servicebus-rx:<area>:<level>` lines), enabled
 * the Azure SDK way: `AZURE_LOG_LEVEL=info` in the environment or `setLogLevel('info')`; written
 * to stderr unless `AzureLogger.log` is overridden. Every line passes through
 * {@link redactSecrets}, so keys, signatures and tokens never reach it.
 *
 * Cheap when off: callers on hot paths test {@link enabled} before building a line.
 */
export class Logger {
  private readonly azure: AzureLogger;

  constructor(readonly namespace: string) {
    this.azure = createClientLogger(namespace);
  }

  /** Whether a line at `level` would be written now (a property read; no allocation). */
  enabled(level: LogLevel): boolean {
    return this.azure[level].enabled;
  }

  verbose(message: string): void {
    if (this.azure.verbose.enabled) this.azure.verbose(redactSecrets(message));
  }

  info(message: string): void {
    if (this.azure.info.enabled) this.azure.info(redactSecrets(message));
  }

  warning(message: string): void {
    if (this.azure.warning.enabled) this.azure.warning(redactSecrets(message));
  }

  error(message: string): void {
    if (this.azure.error.enabled) this.azure.error(redactSecrets(message));
  }
}

/** Opening, losing and closing the AMQP connection. */
export const connectionLogger = new Logger('servicebus-rx:connection');
/** Accepting and closing sessions, stream idle timeouts. */
export const sessionLogger = new Logger('servicebus-rx:session');
/** Lock renewals, lock losses and auto-renew errors. */
export const renewalLogger = new Logger('servicebus-rx:renewal');
/** Retries of transient failures. */
export const retryLogger = new Logger('servicebus-rx:retry');
/** Session pool acceptance and replacement. */
export const poolLogger = new Logger('servicebus-rx:pool');

/** A short, secret-free description of a failure for a log line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

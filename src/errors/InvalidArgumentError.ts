import { ServiceBusRxError } from './ServiceBusRxError';

/**
 * Bad input, raised synchronously at the call: names the argument or option and what was wrong with it.
 * @example new InvalidArgumentError('timeout', 'must be a finite number greater than 0', -1)
 */
export class InvalidArgumentError extends ServiceBusRxError {
  override readonly name = 'InvalidArgumentError' as const;
  constructor(readonly argument: string, readonly problem: string, readonly value?: unknown) {
    super(`Invalid ${argument}: ${problem}${value === undefined ? '' : ` (got ${describe(value)})`}.`, { retryable: false });
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (value instanceof Uint8Array) return `${value.byteLength} bytes`;
  return typeof value;
}

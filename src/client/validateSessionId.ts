import { InvalidArgumentError } from '../errors';

/** Longest session id Service Bus accepts. */
export const MAX_SESSION_ID_LENGTH = 128;

/** Throws `InvalidArgumentError` (naming `argument`) unless `value` is a string of 1..128 characters. */
export function validateSessionId(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > MAX_SESSION_ID_LENGTH) {
    throw new InvalidArgumentError(argument, `must be a string of 1..${MAX_SESSION_ID_LENGTH} characters`, value);
  }
  return value;
}

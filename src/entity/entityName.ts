import { InvalidArgumentError } from '../errors';

/**
 * A queue or topic name: a non-empty string, equal to `boundEntityPath` when one is given.
 * @throws InvalidArgumentError naming `argument`.
 */
export function entityName(argument: string, name: unknown, boundEntityPath?: string): string {
  if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgumentError(argument, 'must be a non-empty string', name);
  if (boundEntityPath !== undefined && name !== boundEntityPath) {
    throw new InvalidArgumentError(argument, `must match the connection string's EntityPath "${boundEntityPath}"`, name);
  }
  return name;
}

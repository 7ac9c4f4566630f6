import { randomUUID } from 'node:crypto';
import type { FilterSubject } from '../RuleFilter';
import type { SqlScope, SqlValue } from './SqlAst';
import { SqlEvaluationError } from './SqlEvaluationError';
import { systemProperty } from './systemProperties';

/** `newid()`: a fresh random GUID, in its string form (how uuids reach filters). */
export function sqlNewId(): string {
  return randomUUID();
}

/** A property reference resolved from a `property(name)` argument. */
export interface PropertyReference {
  readonly scope: SqlScope;
  readonly name: string;
}

/**
 * Resolves the name given to `property(name)` / `p(name)`: `sys.<name>` names a system property
 * (case-insensitively, canonical spelling returned), `user.<name>` or a bare name an application
 * property. Returns `undefined` for a `sys.` name that is no system property.
 */
export function resolvePropertyName(name: string): PropertyReference | undefined {
  const prefix = name.slice(0, 5).toLowerCase();
  if (prefix.startsWith('sys.')) {
    const info = systemProperty(name.slice(4));
    return info && { scope: 'sys', name: info.name };
  }
  if (prefix === 'user.') return { scope: 'user', name: name.slice(5) };
  return { scope: 'user', name };
}

/** Reads a property; a `null` from the subject counts as missing (NULL). */
export function readProperty(subject: FilterSubject, scope: SqlScope, name: string): SqlValue {
  const value = scope === 'sys' ? subject.system(name) : subject.user(name);
  return value ?? undefined;
}

/**
 * `property(name)` with a name computed per message.
 * Throws {@link SqlEvaluationError} for a non-string or unknown `sys.` name.
 */
export function sqlPropertyByName(subject: FilterSubject, name: SqlValue): SqlValue {
  if (name === undefined) return undefined;
  if (typeof name !== 'string') throw new SqlEvaluationError('property() needs a String name.');
  const reference = resolvePropertyName(name);
  if (reference === undefined) throw new SqlEvaluationError(`Unknown system property '${name}'.`);
  return readProperty(subject, reference.scope, reference.name);
}

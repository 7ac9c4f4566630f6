import type { FilterValue } from '../../src/emulator/filters/RuleFilter';
import { compileSqlFilter, type SqlCompileOptions } from '../../src/emulator/filters/sql';
import { mapSubject } from './sqlFilterSubject';

/** TRUE, FALSE, unknown (NULL), or E: the expression failed to evaluate for this message. */
export type Truth = 'T' | 'F' | 'U' | 'E';

/**
 * What a predicate evaluates to, observed only through `matches`: `p` matches → T; `NOT (p)` matches
 * → F; `(p) IS NULL` matches → U; none of them → E (an evaluation error makes every form fail).
 */
export function truthOf(
  predicate: string,
  user: Record<string, FilterValue> = {},
  system: Record<string, FilterValue> = {},
  options?: SqlCompileOptions,
): Truth {
  const subject = mapSubject(user, system);
  if (compileSqlFilter(predicate, options).matches(subject)) return 'T';
  if (compileSqlFilter(`NOT (${predicate})`, options).matches(subject)) return 'F';
  if (compileSqlFilter(`(${predicate}) IS NULL`, options).matches(subject)) return 'U';
  return 'E';
}

/** Whether the filter matches a message with these properties. */
export function matches(
  filter: string,
  user: Record<string, FilterValue> = {},
  system: Record<string, FilterValue> = {},
  options?: SqlCompileOptions,
): boolean {
  return compileSqlFilter(filter, options).matches(mapSubject(user, system));
}

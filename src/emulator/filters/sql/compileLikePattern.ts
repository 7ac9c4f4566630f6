import { SqlEvaluationError } from './SqlEvaluationError';

/** A compiled LIKE pattern: true when the whole value matches. */
export type LikeMatcher = (value: string) => boolean;

/** A run of pattern characters between `%`s; `anyAt[i]` marks a `_` (any one UTF-16 code unit) at offset i. */
interface Segment {
  readonly text: string;
  readonly anyAt: readonly boolean[] | undefined;
}

/**
 * Compiles a LIKE pattern (`%` = any run of characters, `_` = exactly one; `escape` makes the next
 * character literal) into a matcher. Matching is ordinal (case-sensitive) over UTF-16 code units,
 * as .NET strings are.
 *
 * No backtracking: the pattern is split at `%` into fixed-length segments; the first is anchored at
 * the start, the last at the end, and each middle one is taken at its leftmost fit (which is always
 * safe for fixed-length segments). Worst case O(value length × pattern length), and common shapes
 * (`abc`, `abc%`, `%abc`, `%abc%`) reduce to one string comparison or search.
 *
 * Throws {@link SqlEvaluationError} when `escape` is not exactly one character or the pattern ends
 * with an unpaired escape character.
 */
export function compileLikePattern(pattern: string, escape?: string): LikeMatcher {
  if (escape !== undefined && escape.length !== 1) {
    throw new SqlEvaluationError(`The LIKE escape must be exactly one character, not '${escape}'.`);
  }
  const segments: Segment[] = [];
  let text = '';
  let anyAt: boolean[] | undefined;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === escape) {
      const next = pattern[i + 1];
      if (next === undefined) {
        throw new SqlEvaluationError(`The LIKE pattern '${pattern}' ends with its escape character.`);
      }
      text += next;
      i++;
    } else if (c === '%') {
      segments.push({ text, anyAt });
      text = '';
      anyAt = undefined;
    } else if (c === '_') {
      anyAt ??= [];
      anyAt[text.length] = true;
      text += '_';
    } else {
      text += c;
    }
  }
  segments.push({ text, anyAt });
  return matcherFor(segments);
}

function matcherFor(segments: readonly Segment[]): LikeMatcher {
  const first = segments[0] as Segment;
  if (segments.length === 1) {
    if (first.anyAt === undefined) return (value) => value === first.text;
    return (value) => value.length === first.text.length && matchesAt(first, value, 0);
  }
  const last = segments[segments.length - 1] as Segment;
  const middle = segments.slice(1, -1).filter((segment) => segment.text.length > 0);
  const plain = first.anyAt === undefined && last.anyAt === undefined && middle.every((s) => s.anyAt === undefined);
  if (plain && middle.length === 0) {
    if (first.text === '' && last.text === '') return () => true;
    if (last.text === '') return (value) => value.startsWith(first.text);
    if (first.text === '') return (value) => value.endsWith(last.text);
  }
  if (plain && middle.length === 1 && first.text === '' && last.text === '') {
    const needle = (middle[0] as Segment).text;
    return (value) => value.includes(needle);
  }
  const minLength = first.text.length + last.text.length;
  return (value) => {
    if (value.length < minLength || !matchesAt(first, value, 0)) return false;
    const end = value.length - last.text.length;
    if (!matchesAt(last, value, end)) return false;
    let from = first.text.length;
    for (const segment of middle) {
      const at = find(segment, value, from, end);
      if (at < 0) return false;
      from = at + segment.text.length;
    }
    return true;
  };
}

/** Whether `segment` matches `value` at offset `at` (the caller ensures it fits). */
function matchesAt(segment: Segment, value: string, at: number): boolean {
  const { text, anyAt } = segment;
  if (anyAt === undefined) return value.startsWith(text, at);
  for (let i = 0; i < text.length; i++) {
    if (anyAt[i] !== true && value.charCodeAt(at + i) !== text.charCodeAt(i)) return false;
  }
  return true;
}

/** The leftmost offset ≥ `from` where `segment` matches and ends by `end`, or -1. */
function find(segment: Segment, value: string, from: number, end: number): number {
  const last = end - segment.text.length;
  if (segment.anyAt === undefined) {
    const at = value.indexOf(segment.text, from);
    return at >= 0 && at <= last ? at : -1;
  }
  for (let at = from; at <= last; at++) if (matchesAt(segment, value, at)) return at;
  return -1;
}

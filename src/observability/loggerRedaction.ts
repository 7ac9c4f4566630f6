/**
 * Patterns of secrets that may appear in text a log line is built from (error descriptions echo
 * tokens, connection strings carry keys): SAS signatures and keys, bearer tokens and JWTs.
 */
const SECRET_PATTERNS: readonly (readonly [RegExp, string])[] = [
  [/(sig=)[^&\s;"',]+/gi, '$1<redacted>'],
  [/(SharedAccessKey\s*=\s*)[^;\s"',]+/gi, '$1<redacted>'],
  [/(SharedAccessSignature\s*=\s*)[^;\s"',]+/gi, '$1<redacted>'],
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, '$1<redacted>'],
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, '<redacted-jwt>'],
  [/((?:"|\b)(?:key|token|password|secret)"?\s*[:=]\s*"?)[^"&;\s,]+/gi, '$1<redacted>'],
];

/** Replaces every secret-looking part of `text` with `<redacted>`; cheap when there is none. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

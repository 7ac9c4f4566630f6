import { createHmac, timingSafeEqual } from 'node:crypto';
import { audiencePath } from '../entities/Namespace';

/** The result of checking a CBS token. */
export type TokenVerdict = { readonly valid: true; readonly expiresAt: number } | { readonly valid: false; readonly reason: string };

const PREFIX = 'SharedAccessSignature ';

/**
 * Verifies a Service Bus SAS token (`SharedAccessSignature sr=…&sig=…&se=…&skn=…`): `skn` is the key name,
 * `sig` is base64(HMAC-SHA256(key as UTF-8, sr + "\n" + se)) with `sr` exactly as it appears in the token,
 * `se` (Unix seconds) is in the future and `sr` covers `audience` (same path or a prefix of it).
 */
export function verifySasToken(token: string, audience: string, keyName: string, key: string, nowMs: number): TokenVerdict {
  if (!token.startsWith(PREFIX)) return { valid: false, reason: 'The token is not a SharedAccessSignature.' };
  const fields = new Map<string, string>();
  for (const part of token.slice(PREFIX.length).split('&')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) {
    return { valid: false, reason: 'The token is missing one of sr, sig, se, skn.' };
  }
  const expiresAtSeconds = Number(se);
  if (!Number.isFinite(expiresAtSeconds)) return { valid: false, reason: 'The token expiry (se) is not a number.' };
  if (safeDecode(skn) !== keyName) return { valid: false, reason: `The key name '${safeDecode(skn)}' is not authorised.` };
  if (expiresAtSeconds * 1000 <= nowMs) return { valid: false, reason: 'ExpiredToken: The token is expired.' };
  const expected = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(safeDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'InvalidSignature: The token has an invalid signature.' };
  }
  const resource = audiencePath(safeDecode(sr));
  const target = audiencePath(audience);
  if (resource !== '' && target !== resource && !target.startsWith(`${resource}/`)) {
    return { valid: false, reason: `The token is issued for '${safeDecode(sr)}', not for '${audience}'.` };
  }
  return { valid: true, expiresAt: expiresAtSeconds * 1000 };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

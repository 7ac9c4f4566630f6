import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SasRight } from '../config/EmulatorOptions';
import { parseAudience, type Audience } from './parseAudience';
import type { SasKeyring } from './SasKeyring';

/** The result of checking a CBS token. */
export type TokenVerdict =
  | { readonly valid: true; readonly expiresAt: number; readonly rights: ReadonlySet<SasRight> }
  | { readonly valid: false; readonly reason: string };

const PREFIX = 'SharedAccessSignature ';

/**
 * Verifies a Service Bus SAS token (`SharedAccessSignature sr=…&sig=…&se=…&skn=…`) for `audience`: `skn` names
 * a key of `keys`, `sig` is base64(HMAC-SHA256(key as UTF-8, sr + "\n" + se)) with `sr` exactly as it
 * appears in the token, `se` (Unix seconds) is in the future, and `sr` covers `audience`: same scheme and
 * host, and the same path or a prefix of it at a `/` (a namespace token covers every entity, an entity
 * token that entity and its children). The verdict carries the key's rights.
 */
export function verifySasToken(token: string, audience: Audience, keys: SasKeyring, nowMs: number): TokenVerdict {
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
  if (!/^\d{1,12}$/.test(se)) return { valid: false, reason: 'The token expiry (se) is not a number of seconds.' };
  const expiresAt = Number(se) * 1000;
  const key = keys.get(safeDecode(skn));
  if (key === undefined) return { valid: false, reason: `The key name '${safeDecode(skn)}' is not authorised.` };
  if (expiresAt <= nowMs) return { valid: false, reason: 'ExpiredToken: The token is expired.' };
  const expected = createHmac('sha256', Buffer.from(key.key, 'utf8')).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(safeDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'InvalidSignature: The token has an invalid signature.' };
  }
  const resource = parseAudience(safeDecode(sr));
  if (resource === undefined || !covers(resource, audience)) {
    return { valid: false, reason: `InvalidAudience: The token is issued for '${safeDecode(sr)}', not for this audience.` };
  }
  return { valid: true, expiresAt, rights: key.rights };
}

/** True when a token for `resource` authorises `target`. */
export function covers(resource: Audience, target: Audience): boolean {
  if (resource.scheme !== target.scheme || resource.host !== target.host) return false;
  return resource.path === '' || target.path === resource.path || target.path.startsWith(`${resource.path}/`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

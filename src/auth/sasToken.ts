import { createHmac } from 'node:crypto';

/** Validity of the SAS tokens this client signs (the official SDKs use one hour). */
export const SAS_TOKEN_VALIDITY_SECONDS = 3600;

/**
 * Signs a Service Bus SAS token for `audience` (protocol doc 2.5):
 * `SharedAccessSignature sr=<enc(audience)>&sig=<enc(base64(HMAC-SHA256(key, enc(audience) + "\n" + se)))>&se=<se>&skn=<enc(keyName)>`.
 * The HMAC key is the UTF-8 bytes of `key` as written (not base64-decoded).
 *
 * @param audience - e.g. `sb://localhost/sq` (raw; encoded here).
 * @param expiresOnSeconds - `se`, Unix seconds.
 */
export function createSasToken(audience: string, keyName: string, key: string, expiresOnSeconds: number): string {
  const resource = encodeURIComponent(audience);
  const signature = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${resource}\n${expiresOnSeconds}`).digest('base64');
  return `SharedAccessSignature sr=${resource}&sig=${encodeURIComponent(signature)}&se=${expiresOnSeconds}&skn=${encodeURIComponent(keyName)}`;
}

/** Reads `se` (Unix seconds) from a SAS token; `undefined` when absent or not a number. */
export function sasTokenExpiry(token: string): number | undefined {
  const match = /[?&\s]se=(\d+)/.exec(token);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

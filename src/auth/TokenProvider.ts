import type { NamedKeyCredential, SASCredential, TokenCredential } from '@azure/core-auth';
import { catchError, defer, from, map, throwError, type Observable, type SchedulerLike } from 'rxjs';
import { UnauthorizedError } from '../errors';
import { createSasToken, SAS_TOKEN_VALIDITY_SECONDS, sasTokenExpiry } from './sasToken';

/** CBS token types (`type` application property of a put-token request). */
export type CbsTokenType = 'jwt' | 'servicebus.windows.net:sastoken';

/** A token ready for a CBS put-token, with the time (scheduler clock, ms) it should be renewed at. */
export interface CbsToken {
  readonly token: string;
  readonly type: CbsTokenType;
  readonly expiresOnTimestamp: number;
  readonly refreshAt: number;
}

/** Produces CBS tokens for audiences. Internal seam between credentials and the AMQP layer. */
export interface TokenProvider {
  /** Cold: emits one token for `audience`, then completes; errors with `UnauthorizedError` if none can be had. */
  getToken(audience: string): Observable<CbsToken>;
}

/** Scope requested from a `TokenCredential`. */
export const SERVICE_BUS_SCOPE = 'https://servicebus.azure.net/.default';
/** SAS tokens are re-sent 45 minutes after signing (the official SDK's schedule). */
const SAS_REFRESH_MS = (SAS_TOKEN_VALIDITY_SECONDS - 900) * 1000;
/** JWTs are re-sent two minutes before they expire. */
const JWT_REFRESH_MARGIN_MS = 120_000;

/** Signs SAS tokens with a key name and key (connection string or `NamedKeyCredential`, read at each call). */
export function sasKeyTokenProvider(keys: () => { name: string; key: string }, scheduler: SchedulerLike): TokenProvider {
  return {
    getToken: (audience) =>
      defer(() => {
        const now = scheduler.now();
        const { name, key } = keys();
        const se = Math.floor(now / 1000) + SAS_TOKEN_VALIDITY_SECONDS;
        return [{ token: createSasToken(audience, name, key, se), type: 'servicebus.windows.net:sastoken' as const, expiresOnTimestamp: se * 1000, refreshAt: now + SAS_REFRESH_MS }];
      }),
  };
}

/** Sends a ready-made shared access signature verbatim (connection string or `SASCredential`, read at each call). */
export function sasSignatureTokenProvider(signature: () => string, scheduler: SchedulerLike): TokenProvider {
  return {
    getToken: () =>
      defer(() => {
        const now = scheduler.now();
        const token = signature();
        const se = sasTokenExpiry(token);
        return [{ token, type: 'servicebus.windows.net:sastoken' as const, expiresOnTimestamp: se === undefined ? now + SAS_TOKEN_VALIDITY_SECONDS * 1000 : se * 1000, refreshAt: now + SAS_REFRESH_MS }];
      }),
  };
}

/** Gets JWTs from a `TokenCredential` (scope {@link SERVICE_BUS_SCOPE}); refreshed 2 min before expiry. */
export function tokenCredentialProvider(credential: TokenCredential, scheduler: SchedulerLike): TokenProvider {
  return {
    getToken: () =>
      defer(() => from(credential.getToken(SERVICE_BUS_SCOPE))).pipe(
        map((accessToken) => {
          if (!accessToken || typeof accessToken.token !== 'string' || accessToken.token === '') {
            throw new UnauthorizedError('The TokenCredential returned no token.');
          }
          const now = scheduler.now();
          const expires = accessToken.expiresOnTimestamp;
          // Long-lived tokens: renew 2 min ahead. Short-lived ones: halfway, so a refresh never loops.
          const refreshAt = Math.max(expires - JWT_REFRESH_MARGIN_MS, now + Math.max(0, expires - now) / 2);
          return { token: accessToken.token, type: 'jwt' as const, expiresOnTimestamp: expires, refreshAt };
        }),
        catchError((err: unknown) =>
          throwError(() => (err instanceof UnauthorizedError ? err : new UnauthorizedError('The TokenCredential failed to get a token.', { cause: err }))),
        ),
      ),
  };
}

/** Builds the provider for a `NamedKeyCredential` or `SASCredential` (type-checked by the caller). */
export function keyCredentialProvider(credential: NamedKeyCredential | SASCredential, scheduler: SchedulerLike): TokenProvider {
  return 'signature' in credential
    ? sasSignatureTokenProvider(() => credential.signature, scheduler)
    : sasKeyTokenProvider(() => ({ name: credential.name, key: credential.key }), scheduler);
}

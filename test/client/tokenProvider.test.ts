import { firstValueFrom, switchMap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { UnauthorizedError } from '../../src';
import { sasKeyTokenProvider, sasSignatureTokenProvider, tokenCredentialProvider, type CbsToken } from '../../src/auth/TokenProvider';
import { createSasToken } from '../../src/auth/sasToken';

describe('token providers (virtual time)', () => {
  it('signs SAS tokens for one hour from the scheduler clock and asks for a refresh after 45 minutes', () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ expectObservable }) => {
      const provider = sasKeyTokenProvider(() => ({ name: 'k', key: 'v' }), testScheduler);
      // Asked 2 500 ms into virtual time: se = 2 + 3600 s, refresh at 2 500 + 45 min.
      const token$ = timer(2_500, testScheduler).pipe(switchMap(() => provider.getToken('sb://h/q')));
      expectObservable(token$).toBe('2500ms (a|)', {
        a: {
          token: createSasToken('sb://h/q', 'k', 'v', 2 + 3_600),
          type: 'servicebus.windows.net:sastoken',
          expiresOnTimestamp: (2 + 3_600) * 1000,
          refreshAt: 2_500 + 2_700_000,
        } satisfies CbsToken,
      });
    });
  });

  it('reads se from a ready-made signature', async () => {
    const token = 'SharedAccessSignature sr=x&sig=y&se=2000&skn=k';
    const t = await firstValueFrom(sasSignatureTokenProvider(() => token, { now: () => 1_000_000 } as never).getToken('sb://h/q'));
    expect(t).toEqual({ token, type: 'servicebus.windows.net:sastoken', expiresOnTimestamp: 2_000_000, refreshAt: 1_000_000 + 2_700_000 });
  });

  it('refreshes a JWT two minutes before expiry, or halfway when it lives less than four minutes', async () => {
    const now = 5_000_000;
    const clock = { now: () => now } as never;
    const long = await firstValueFrom(tokenCredentialProvider({ getToken: async () => ({ token: 't', expiresOnTimestamp: now + 3_600_000 }) }, clock).getToken('a'));
    expect(long.refreshAt).toBe(now + 3_600_000 - 120_000);
    expect(long.type).toBe('jwt');
    const short = await firstValueFrom(tokenCredentialProvider({ getToken: async () => ({ token: 't', expiresOnTimestamp: now + 60_000 }) }, clock).getToken('a'));
    expect(short.refreshAt).toBe(now + 30_000);
  });

  it('turns a failing or empty credential into UnauthorizedError', async () => {
    const clock = { now: () => 0 } as never;
    await expect(firstValueFrom(tokenCredentialProvider({ getToken: async () => null }, clock).getToken('a'))).rejects.toBeInstanceOf(UnauthorizedError);
    const boom = new Error('network');
    const error = await firstValueFrom(tokenCredentialProvider({ getToken: async () => Promise.reject(boom) }, clock).getToken('a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect((error as Error).cause).toBe(boom);
  });
});

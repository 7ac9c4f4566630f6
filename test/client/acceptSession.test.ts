import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { InvalidArgumentError, SessionCannotBeLockedError } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 10_000 });

const keep = t.keep;

describe('acceptSession exclusivity', () => {
  it('refuses a session held by another receiver with SessionCannotBeLockedError, and grants it once released', async () => {
    const held = keep(await firstValueFrom(t.client.acceptSession('sq', 'x')));
    const error = await firstValueFrom(t.other.acceptSession('sq', 'x')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionCannotBeLockedError);
    expect((error as SessionCannotBeLockedError).retryable).toBe(false);
    await held.close();
    const mine = keep(await firstValueFrom(t.other.acceptSession('sq', 'x')));
    expect(mine.sessionId).toBe('x');
  });

  it('unsubscribing before the session is emitted leaves no lock behind', async () => {
    const sub = t.client.acceptSession('sq', 'y').subscribe();
    sub.unsubscribe();
    const s = keep(await firstValueFrom(t.other.acceptSession('sq', 'y')));
    expect(s.sessionId).toBe('y');
  });
});

describe('acceptNextSession', () => {
  it('locks a session that has messages', async () => {
    await lastValueFrom(t.client.send('sq', { body: 'n', sessionId: 'next-1' }));
    const s = keep(await firstValueFrom(t.client.acceptNextSession('sq', { timeout: 5_000 })));
    expect(s.sessionId).toBe('next-1');
    const m = await firstValueFrom(s.messages$);
    await lastValueFrom(m.complete());
  });

  it('completes empty (not an error) when no session is available within the timeout', async () => {
    const result = await lastValueFrom(t.client.acceptNextSession('sq', { timeout: 300 }).pipe(toArray()));
    expect(result).toEqual([]);
  });

  it('is woken by a message sent while it waits', async () => {
    const pending = firstValueFrom(t.client.acceptNextSession('sq', { timeout: 10_000 }));
    await lastValueFrom(t.other.send('sq', { body: 'late', sessionId: 'next-late' }));
    const s = keep(await pending);
    expect(s.sessionId).toBe('next-late');
    await lastValueFrom((await firstValueFrom(s.messages$)).complete());
  });
});

describe('argument validation at the call', () => {
  it.each([
    ['sessionId', () => t.client.acceptSession('sq', '')],
    ['sessionId', () => t.client.acceptSession('sq', 'x'.repeat(129))],
    ['queue', () => t.client.acceptSession('', 's')],
    ['options.timeout', () => t.client.acceptSession('sq', 's', { timeout: 0 })],
    ['options.timeout', () => t.client.acceptSession('sq', 's', { timeout: -5 })],
    ['options.timeout', () => t.client.acceptSession('sq', 's', { timeout: Number.NaN })],
    ['options.timeout', () => t.client.acceptNextSession('sq', { timeout: Infinity })],
    ['options.maxCredit', () => t.client.acceptSession('sq', 's', { maxCredit: 0 })],
    ['options.receiveMode', () => t.client.acceptSession('sq', 's', { receiveMode: 'peek' as never })],
    ['maxDuration', () => t.client.acceptSession('sq', 's', { autoRenew: { maxDuration: -1 } })],
    ['message.sessionId', () => t.client.send('sq', { body: 1, sessionId: '' })],
    ['messages[1].timeToLive', () => t.client.send('sq', [{ body: 1 }, { body: 1, timeToLive: -1 }])],
    ['options.timeout', () => t.client.send('sq', { body: 1 }, { timeout: 'soon' as never })],
  ])('%#: throws InvalidArgumentError naming %s', (argument, call) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe(argument);
  });

  it('validates operation timeouts on sessions and messages at the call', async () => {
    await lastValueFrom(t.client.send('sq', { body: 1, sessionId: 'v' }));
    const s = keep(await firstValueFrom(t.client.acceptSession('sq', 'v')));
    expect(() => s.getState({ timeout: 0 })).toThrow(InvalidArgumentError);
    expect(() => s.setState('x', { timeout: -1 })).toThrow(InvalidArgumentError);
    expect(() => s.renewLock({ timeout: Number.POSITIVE_INFINITY })).toThrow(InvalidArgumentError);
    const m = await firstValueFrom(s.messages$);
    expect(() => m.complete({ timeout: 0 })).toThrow(InvalidArgumentError);
    await lastValueFrom(m.complete({ timeout: 5_000 }));
  });
});

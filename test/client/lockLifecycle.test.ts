import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import {
  AutoLockRenewFailed,
  AutoLockRenewTimeout,
  SessionLockLostError,
  type LockLost,
  type LockState,
  type ReceivedMessage,
  type Session,
} from '../../src';
import { brokerAndClient } from './brokerAndClient';

const LOCK_MS = 1_000;
const t = brokerAndClient({ lockDurationMs: LOCK_MS, maxDeliveryCount: 10 });

const accept = t.accept;
const lost = (s: Session): Promise<LockLost> => firstValueFrom(s.lock$.pipe(filter((x): x is LockLost => x.kind === 'lost')));
const lockedSessions = (): number => t.broker.stats().queues[0]?.lockedSessions ?? -1;

describe('lock life cycle', () => {
  it('without renewal the lock is lost as expired: link closed, messages$ errors, operations fail fast', async () => {
    await lastValueFrom(t.client.send('sq', { body: 'e', sessionId: 'exp' }));
    const s = await accept('exp');
    const messageError = lastValueFrom(s.messages$).catch((e: unknown) => e);
    const state = await lost(s);
    expect(state.reason).toBe('expired');
    expect(state.error).toBeInstanceOf(SessionLockLostError);
    expect(await messageError).toBeInstanceOf(SessionLockLostError);
    await expect(firstValueFrom(s.getState())).rejects.toBeInstanceOf(SessionLockLostError);
    await expect(firstValueFrom(s.renewLock())).rejects.toBeInstanceOf(SessionLockLostError);
    // lock$ replays the final state to late subscribers and completes.
    expect((await lastValueFrom(s.lock$.pipe(toArray()))).map((x) => x.kind)).toEqual(['lost']);
  });

  it('autoRenew keeps a 1 s lock alive for 5 s', async () => {
    await lastValueFrom(t.client.send('sq', { body: 'keep', sessionId: 'alive' }));
    const start = Date.now();
    const s = await accept('alive', { autoRenew: { maxDuration: 60_000 } });
    const seen: LockState[] = [];
    s.lock$.subscribe((x) => seen.push(x));
    // Wait for a renewal made 5 s or more after the accept: five lock durations later.
    await firstValueFrom(s.lock$.pipe(filter((x) => x.kind === 'renewed' && Date.now() - start >= 5_000)));
    expect(seen.some((x) => x.kind === 'lost')).toBe(false);
    expect(s.autoRenewError).toBeUndefined();
    // Still the holder: the message can be completed on the link.
    const m = await firstValueFrom(s.messages$);
    await lastValueFrom(m.complete());
    expect(lockedSessions()).toBe(1);
  });

  it('budget exhausted: AutoLockRenewTimeout, lost at expiry, link closed, unsettled messages redelivered to the next holder', async () => {
    await lastValueFrom(t.client.send('sq', [{ body: 'b0', sessionId: 'budget' }, { body: 'b1', sessionId: 'budget' }]));
    const s = await accept('budget', { autoRenew: { maxDuration: 1_500 } });
    const events = lastValueFrom(s.lock$.pipe(toArray()));
    const received: ReceivedMessage[] = [];
    const messageError = new Promise<unknown>((resolve) => s.messages$.subscribe({ next: (m) => received.push(m), error: resolve }));
    const state = await lost(s);
    expect(state.reason).toBe('expired');
    expect(s.autoRenewError).toBeInstanceOf(AutoLockRenewTimeout);
    expect((await events).filter((x) => x.kind === 'renewed').length).toBeGreaterThanOrEqual(1);
    expect(await messageError).toBeInstanceOf(SessionLockLostError);
    expect(received.map((m) => m.body)).toEqual(['b0', 'b1']);
    await expect(lastValueFrom(received[0]!.complete())).rejects.toBeInstanceOf(SessionLockLostError);
    await expect(lastValueFrom(s.setState('x'))).rejects.toBeInstanceOf(SessionLockLostError);

    const next = await accept('budget');
    const again = await firstValueFrom(next.messages$.pipe(filter((m) => m.body === 'b1')));
    expect(again.deliveryCount).toBe(1);
  });

  it('a renewal the broker refuses ends auto-renew with AutoLockRenewFailed and loses the lock (renew-failed)', async () => {
    const s = await accept('refused', { autoRenew: { maxDuration: 60_000 } });
    t.broker.injectFault('com.microsoft:renew-session-lock', { statusCode: 410, condition: 'com.microsoft:session-lock-lost' });
    const state = await lost(s);
    expect(state.reason).toBe('renew-failed');
    expect(s.autoRenewError).toBeInstanceOf(AutoLockRenewFailed);
    expect((s.autoRenewError as AutoLockRenewFailed).cause).toBeInstanceOf(SessionLockLostError);
    await expect(firstValueFrom(s.getState())).rejects.toBeInstanceOf(SessionLockLostError);
    // The link was closed: the session can be locked again at once.
    const again = await accept('refused');
    expect(again.sessionId).toBe('refused');
  });

  it('close(): lock$ emits lost(closed) and completes, messages$ completes', async () => {
    const s = await accept('closing');
    const kinds = lastValueFrom(s.lock$.pipe(toArray()));
    const messages = lastValueFrom(s.messages$.pipe(toArray()));
    await s.close();
    await s.close();
    expect((await kinds).at(-1)).toMatchObject({ kind: 'lost', reason: 'closed' });
    expect(await messages).toEqual([]);
  });
});

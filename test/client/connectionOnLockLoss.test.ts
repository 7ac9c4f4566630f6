import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { type LockLost, type Session } from '../../src';
import { brokerAndClient } from './brokerAndClient';

// Issue 3: "once the lock is lost it closes the session's link (and the connection when nothing else
// uses it)". The broker's own connection count is the witness.
const LOCK_MS = 800;
const t = brokerAndClient({ lockDurationMs: LOCK_MS, maxDeliveryCount: 10 });
// Each test starts with the broker seeing no connection (the last test's client has closed).
beforeEach(() => until(() => t.broker.stats().connections === 0));

const lost = (s: Session): Promise<LockLost> => firstValueFrom(s.lock$.pipe(filter((x): x is LockLost => x.kind === 'lost')));
const connections = (): number => t.broker.stats().connections;

/** Resolves once `condition` holds (checked every 10 ms); rejects after 5 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited >= 5_000) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the connection after a lost lock', () => {
  it('is closed when nothing else uses it; the next operation opens a new one', async () => {
    await lastValueFrom(t.client.send('sq', [{ body: 'a', sessionId: 'alone' }, { body: 'b', sessionId: 'alone' }]));
    const s = await firstValueFrom(t.client.acceptSession('sq', 'alone'));
    expect(connections()).toBe(1);
    // Received and never settled: they must come back to the next holder.
    await firstValueFrom(s.messages$);
    expect((await lost(s)).reason).toBe('expired');
    await s.close();
    await until(() => connections() === 0);

    // The t.client is still usable: a new connection, and the unsettled messages are there for it.
    const again = await firstValueFrom(t.client.acceptSession('sq', 'alone'));
    expect(connections()).toBe(1);
    const m = await firstValueFrom(again.messages$);
    expect(m.body).toBe('a');
    expect(m.deliveryCount).toBe(1);
    await lastValueFrom(m.complete());
    await again.close();
  });

  it('stays open while another session uses it, and that session keeps working', async () => {
    await lastValueFrom(t.client.send('sq', [{ body: 'x', sessionId: 'goes' }, { body: 'y', sessionId: 'stays' }]));
    const goes = await firstValueFrom(t.client.acceptSession('sq', 'goes'));
    const stays = await firstValueFrom(t.client.acceptSession('sq', 'stays', { autoRenew: { maxDuration: 60_000 } }));
    expect((await lost(goes)).reason).toBe('expired');
    await goes.close();
    expect(connections()).toBe(1);
    const m = await firstValueFrom(stays.messages$);
    await lastValueFrom(m.complete());
    expect(stays.autoRenewError).toBeUndefined();
    await stays.close();
    // A session closed by its user is not a lost lock: the connection stays for the next operation.
    expect(connections()).toBe(1);
  });

  it('sends made around the loss all complete (in flight they keep it open; after it, a new one opens)', async () => {
    const s = await firstValueFrom(t.client.acceptSession('sq', 'racing'));
    const expired = lost(s);
    // Sends keep the connection in use from their subscription to their completion.
    const sends: Promise<void>[] = [];
    const sending = setInterval(() => sends.push(lastValueFrom(t.client.send('sq', { body: 'z', sessionId: 'other' }))), 5);
    await expired;
    await s.close();
    clearInterval(sending);
    await expect(Promise.all(sends)).resolves.toBeDefined();
    expect(sends.length).toBeGreaterThan(0);
  });

  it('a refused renewal (renew-failed) closes it as well', async () => {
    const s = await firstValueFrom(t.client.acceptSession('sq', 'refused', { autoRenew: { maxDuration: 60_000 } }));
    t.broker.injectFault('com.microsoft:renew-session-lock', { statusCode: 410, condition: 'com.microsoft:session-lock-lost' });
    expect((await lost(s)).reason).toBe('renew-failed');
    await s.close();
    await until(() => connections() === 0);
  });
});

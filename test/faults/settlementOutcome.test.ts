import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { SessionLockLostError, SettlementOutcomeUnknownError } from '../../src';
import { failure, lost, proxiedClient } from './proxiedClient';

// Issue 11, honest outcomes: a settlement refused before it is sent is `SessionLockLostError` (not
// applied; the message comes back); one in flight when the lock or the connection goes is
// `SettlementOutcomeUnknownError` (the broker may or may not have applied it).
const t = proxiedClient(1_500, { lockSafetyMargin: 300 });

it('a settlement in flight when the connection drops fails with SettlementOutcomeUnknownError; one asked after is refused and its message comes back', async () => {
  await t.send('so-1', 2);
  const s = await t.accept('so-1');
  const [m1, m2] = await firstValueFrom(s.messages$.pipe(take(2), toArray()));
  // The disposition waits in the proxy; the cut drops it (the broker never sees it).
  t.proxy.latency(5_000);
  const inFlight = failure(m1!.complete());
  await new Promise((resolve) => setTimeout(resolve, 50));
  t.proxy.cut();
  const unknown = await inFlight;
  expect(unknown).toBeInstanceOf(SettlementOutcomeUnknownError);
  expect((unknown as SettlementOutcomeUnknownError).sessionId).toBe('so-1');
  expect((unknown as SettlementOutcomeUnknownError).settlement).toBe('complete');
  expect((unknown as Error).cause).toBeInstanceOf(SessionLockLostError);

  const refused = await failure(m2!.complete());
  expect(refused).toBeInstanceOf(SessionLockLostError);
  expect(refused).not.toBeInstanceOf(SettlementOutcomeUnknownError);

  t.proxy.heal();
  const again = await t.accept('so-1');
  const back = await firstValueFrom(again.messages$.pipe(take(2), toArray()));
  // Here the unknown outcome was "not applied": both come back, m2 as promised.
  expect(back.map((m) => m.sequenceNumber)).toEqual([m1!.sequenceNumber, m2!.sequenceNumber]);
  await Promise.all(back.map((m) => lastValueFrom(m.complete(), { defaultValue: undefined })));
});

it('after an event-loop stall past the safety point: the signal reads aborted at once and the settlement is refused before it is sent', async () => {
  await t.send('so-2', 1);
  const s = await t.accept('so-2');
  const m = await firstValueFrom(s.messages$);
  const losing = lost(s);
  // Freeze past lockedUntil − margin (no timer can run meanwhile), but not past the broker's expiry.
  const freezeUntil = s.lockedUntil.getTime() - 150;
  while (Date.now() < freezeUntil);
  expect(m.signal.aborted).toBe(true);
  const refused = await failure(m.complete());
  expect(refused).toBeInstanceOf(SessionLockLostError);
  expect((refused as SessionLockLostError).reason).toBe('expired');
  expect((await losing).reason).toBe('expired');
  // Refused before it was sent: the message comes back to the next holder.
  const again = await t.accept('so-2');
  const back = await firstValueFrom(again.messages$);
  expect(back.sequenceNumber).toBe(m.sequenceNumber);
  expect(back.deliveryCount).toBe(1);
  await lastValueFrom(back.complete(), { defaultValue: undefined });
});

import { firstValueFrom, lastValueFrom } from 'rxjs';
import { lost, proxiedClient, until } from './proxiedClient';

// Issue 11, liveness: on a dead network (traffic blackholed, sockets open) every wait on the broker is
// bounded; past the bound the client destroys its socket. The proxy sees which side ended a flow.
const t = proxiedClient(1_500, { peerSilenceTimeout: 1_000, lockSafetyMargin: 300 });
const closedByClient = (): number => t.proxy.closedFlows.filter((f) => f.by === 'client').length;

it('a lock lost on a blackholed network closes the connection; the next operation opens a new one and gets the message back', async () => {
  await t.send('bh-1', 1);
  const s = await t.accept('bh-1', { autoRenew: { maxDuration: 60_000 } });
  const first = await firstValueFrom(s.messages$);
  t.proxy.blackhole();
  expect((await lost(s)).reason).toBe('expired');
  // The detach (and the close after it) get no answer: the client gives up and destroys its socket.
  await until(() => closedByClient() === 1);
  expect(t.proxy.flows).toBe(0);

  t.proxy.heal();
  const again = await t.accept('bh-1');
  const m = await firstValueFrom(again.messages$);
  expect(m.sequenceNumber).toBe(first.sequenceNumber);
  expect(m.deliveryCount).toBe(1);
  await lastValueFrom(m.complete(), { defaultValue: undefined });
});

it('session.close() on a blackholed network resolves: the detach it waits for is bounded', async () => {
  const s = await t.accept('bh-2');
  t.proxy.blackhole();
  await s.close();
  expect((await lost(s)).reason).toBe('closed');
  await until(() => closedByClient() === 1);
});

it('client.close() on a blackholed network resolves: the close reply it waits for is bounded', async () => {
  const s = await t.accept('bh-3');
  t.proxy.blackhole();
  await t.client.close();
  expect((await lost(s)).reason).toBe('closed');
  await until(() => closedByClient() === 1);
});

it('a management operation on a blackholed network fails once the peer stayed silent, and the connection is dropped', async () => {
  const s = await t.accept('bh-4');
  t.proxy.blackhole();
  // Without a reply the operation would wait for its own 60 s timeout; the silent peer ends it first.
  await expect(lastValueFrom(s.getState({ timeout: 20_000 }))).rejects.toMatchObject({ name: expect.stringMatching(/ConnectionClosedError|SessionLockLostError/) });
  await until(() => closedByClient() >= 1);
});

it('an accept on a blackholed network fails and does not leave the connection hanging', async () => {
  await t.accept('bh-5');
  t.proxy.blackhole();
  await expect(firstValueFrom(t.client.acceptSession('sq', 'bh-6', { timeout: 5_000 }))).rejects.toBeDefined();
  // Every connection tried meanwhile was dropped as well (none is left hanging).
  await until(() => closedByClient() >= 1 && t.proxy.flows === 0);
  t.proxy.heal();
  await t.accept('bh-6');
});

/**
 * Contract test for the broker's leanOutgoingDeliveries (src/emulator/rhea/leanOutgoingDeliveries.ts), a
 * copy of rhea's `Outgoing.send` (session.js) that allocates less: the copy must be of the code rhea
 * runs, deliveries must carry what rhea's carry, messages larger than a frame must still be split, and
 * each delivery's `update` must settle it as rhea's does.
 */
import { createHash } from 'node:crypto';
import type { EventContext, Sender, Session } from 'rhea';
import { sessionInternals } from '../../src/emulator/rhea/internals';
import { leanOutgoingDeliveries } from '../../src/emulator/rhea/leanOutgoingDeliveries';
import { next, rheaPair, until, within, type RheaPair } from './rheaPair';

/** sha256 of rhea 3.0.5's `Outgoing.prototype.send` source, the code the broker's copy follows. */
const SEND_SHA256 = '55bccaf8cbc40cdd941caf885eecbb024c6ebe77ac7c56243df5e712931f9c42';

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanOutgoingDeliveries.ts copies it; re-read session.js Outgoing.send)`);
}

let pair: RheaPair;
beforeEach(async () => {
  // A small frame size: a 5 000-byte message leaves the peer in several transfers.
  pair = await rheaPair({ clientOptions: () => ({ max_frame_size: 1024 }) });
});
afterEach(() => pair.close());

async function senderFor(address: string): Promise<{ sender: Sender; contexts: EventContext[] }> {
  const receiver = pair.client.open_receiver({ source: { address }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const contexts: EventContext[] = [];
  receiver.on('message', (context: EventContext) => contexts.push(context));
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  return { sender, contexts };
}

it("rhea's Outgoing.send is the code the broker's copy was made from", async () => {
  const { sender } = await senderFor('q');
  const source = String(sessionInternals(sender.session as Session).outgoing.send);
  const sha = createHash('sha256').update(source).digest('hex');
  assume(sha === SEND_SHA256, `session.outgoing.send is rhea 3.0.5's (sha256 now ${sha})`);
});

it('lean deliveries carry what rhea puts on them, large ones are split, and update settles them as rhea does', async () => {
  const plain = await senderFor('plain');
  const lean = await senderFor('lean');
  const bodies = ['x'.repeat(5_000), 'small', 'r'];
  const sendAll = async (side: typeof plain, patch: boolean): Promise<{ deliveries: Record<string, unknown>[]; outcomes: string[] }> => {
    if (patch) leanOutgoingDeliveries(side.sender.session as Session);
    const deliveries = bodies.map((body) => side.sender.send({ body }) as unknown as Record<string, unknown>);
    await within(until(() => side.contexts.length === bodies.length, 'every message arrives'), 'leanOutgoingDeliveries', 'lean deliveries arrive');
    expect(side.contexts.map((c) => c.message?.body)).toEqual(bodies);
    const outcomes: string[] = [];
    for (const event of ['accepted', 'rejected', 'released', 'settled']) side.sender.on(event, () => outcomes.push(event));
    // The peer (the sending side) settles first, as the broker does: each delivery's own update.
    (deliveries[0]!['update'] as (settled: boolean, state?: unknown) => void)(true);
    (deliveries[1]!['update'] as (settled: boolean, state?: unknown) => void)(false);
    side.contexts[0]!.delivery!.accept();
    side.contexts[1]!.delivery!.release();
    side.contexts[2]!.delivery!.reject({ condition: 'amqp:internal-error', description: 'no' });
    await within(until(() => outcomes.filter((o) => o === 'settled').length === 3, 'three settlements come back'), 'leanOutgoingDeliveries', 'settlements reach a lean sender');
    return { deliveries, outcomes: outcomes.sort() };
  };
  // rhea's own first: the peer's two senders may share a session, patched only once rhea's deliveries exist.
  const theirs = await sendAll(plain, false);
  const ours = await sendAll(lean, true);
  expect(ours.outcomes).toEqual(theirs.outcomes);
  expect(theirs.deliveries[0]!.constructor).toBe(Object);
  expect(ours.deliveries[0]!.constructor).not.toBe(Object); // the lean one: a class instance
  for (const key of Object.keys(theirs.deliveries[0]!)) {
    const [a, b] = [theirs.deliveries[0]![key], ours.deliveries[0]![key]];
    assume(typeof a === typeof b, `an outgoing delivery's \`${key}\` is a ${typeof a}`);
    if (key !== 'id' && key !== 'tag' && key !== 'link' && key !== 'data' && typeof a !== 'function') expect(b).toEqual(a);
  }
  assume((theirs.deliveries[0]!['data'] as Buffer[]).length > 1, 'Outgoing.send splits a message larger than a frame');
  expect((ours.deliveries[0]!['data'] as Buffer[]).map((b) => b.length)).toEqual((theirs.deliveries[0]!['data'] as Buffer[]).map((b) => b.length));
  expect(Buffer.concat(ours.deliveries[0]!['data'] as Buffer[]).equals(Buffer.concat(theirs.deliveries[0]!['data'] as Buffer[]))).toBe(true);
  expect((ours.deliveries[1]!['data'] as Buffer[]).length).toBe(1);
});

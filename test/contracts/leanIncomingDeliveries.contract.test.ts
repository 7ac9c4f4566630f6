/**
 * Contract test for the broker's leanIncomingDeliveries (src/emulator/rhea/leanIncomingDeliveries.ts), a
 * copy of rhea's `Incoming.on_transfer` (session.js) that allocates less: the copy must still be of the
 * code rhea runs, deliveries must carry what rhea's carry, and every settlement must reach the sender.
 */
import { createHash } from 'node:crypto';
import type { Delivery, EventContext, Receiver, Session } from 'rhea';
import { leanIncomingDeliveries } from '../../src/emulator/rhea/leanIncomingDeliveries';
import { sessionInternals } from '../../src/emulator/rhea/internals';
import { next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

/** sha256 of rhea 3.0.5's `Incoming.prototype.on_transfer` source, the code the broker's copy follows. */
const ON_TRANSFER_SHA256 = '27be78791479c5bb314c29183449e90ad70179a2dc25368c0679169783f2002a';

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanIncomingDeliveries.ts copies it; re-read session.js Incoming.on_transfer)`);
}

let pair: RheaPair;
beforeEach(async () => {
  // A small frame size: a 5 000-byte message arrives in several transfers.
  pair = await rheaPair({ clientOptions: () => ({ max_frame_size: 1024 }) });
});
afterEach(() => pair.close());

async function receiverOn(lean: boolean, address: string): Promise<{ receiver: Receiver; session: Session }> {
  const session = await openSession(pair.client);
  if (lean) leanIncomingDeliveries(session);
  const receiver = session.attach_receiver({ source: { address }, autoaccept: false, credit_window: 10 });
  await next(receiver, 'receiver_open');
  return { receiver, session };
}

it("rhea's Incoming.on_transfer is the code the broker's copy was made from", async () => {
  const { session } = await receiverOn(false, 'q');
  const source = String(sessionInternals(session).incoming.on_transfer);
  assume(createHash('sha256').update(source).digest('hex') === ON_TRANSFER_SHA256, `session.incoming.on_transfer is rhea 3.0.5's (sha256 ${createHash('sha256').update(source).digest('hex')})`);
});

it('deliveries carry what rhea puts on them, whole multi-frame messages arrive, and each settlement reaches the sender', async () => {
  const plain = await receiverOn(false, 'plain');
  const plainSender = await pair.nextSender();
  const lean = await receiverOn(true, 'lean');
  const leanSender = await pair.nextSender();
  const bodies = ['small', 'x'.repeat(5_000), 'r', 'm', 'u'];
  const received = async (receiver: Receiver, sender: typeof plainSender): Promise<EventContext[]> => {
    const contexts: EventContext[] = [];
    receiver.on('message', (context: EventContext) => contexts.push(context));
    await until(() => sender.sendable(), 'the peer can send');
    for (const body of bodies) sender.send({ body, message_id: body.slice(0, 3) });
    await within(until(() => contexts.length === bodies.length, 'every message arrives'), 'leanIncomingDeliveries', 'messages arrive');
    return contexts;
  };
  const [ours, theirs] = [await received(lean.receiver, leanSender), await received(plain.receiver, plainSender)];
  expect(ours.map((c) => c.message?.body)).toEqual(bodies);
  const rheaDelivery = theirs[0]!.delivery as unknown as Record<string, unknown>;
  const leanDelivery = ours[0]!.delivery as unknown as Record<string, unknown>;
  for (const key of Object.keys(rheaDelivery)) {
    assume(typeof leanDelivery[key] === typeof rheaDelivery[key], `an incoming delivery's \`${key}\` is a ${typeof rheaDelivery[key]}`);
  }
  expect(Object.keys(rheaDelivery)).not.toContain('frames');
  expect('frames' in leanDelivery && leanDelivery['frames'] === undefined).toBe(true); // the lean delivery: cleared, not deleted
  // The same settlements on rhea's deliveries and on the lean ones: the senders see the same outcomes.
  const settleAll = async (contexts: EventContext[], sender: typeof plainSender): Promise<string[]> => {
    const outcomes: string[] = [];
    for (const event of ['accepted', 'rejected', 'released', 'modified', 'settled']) sender.on(event, () => outcomes.push(event));
    const [a, b, c, d, e] = contexts.map((context) => context.delivery as Delivery);
    a!.accept();
    b!.update(true, undefined);
    c!.reject({ condition: 'amqp:internal-error', description: 'no' });
    d!.modified({ delivery_failed: true });
    e!.release();
    await within(until(() => outcomes.filter((o) => o === 'settled').length === 5, 'five settlements reach the sender'), 'leanIncomingDeliveries', 'settlements are written as dispositions');
    return outcomes.sort();
  };
  const expected = await settleAll(theirs, plainSender);
  expect(await settleAll(ours, leanSender)).toEqual(expected);
});

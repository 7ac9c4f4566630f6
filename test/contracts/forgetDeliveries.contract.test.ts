import type { EventContext, Receiver, Session } from 'rhea';
import { forgetDeliveries } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'forgetDeliveries';

interface IncomingDeliveries {
  incoming?: { deliveries?: { entries?: Array<{ link?: unknown; settled?: boolean } | undefined>; head?: number; size?: number; capacity?: number } };
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function buffer(session: Session): NonNullable<NonNullable<IncomingDeliveries['incoming']>['deliveries']> {
  return (session as unknown as IncomingDeliveries).incoming?.deliveries ?? {};
}

/** A session with two receivers (manual settlement), each given one message by the peer: `a`'s first. */
async function twoLinksOneMessageEach(): Promise<{ session: Session; a: Receiver; b: Receiver; messageA: EventContext; messageB: EventContext }> {
  const session = await openSession(pair.client);
  const a = session.attach_receiver({ source: { address: 'a' }, autoaccept: false, credit_window: 0 });
  await next(a, 'receiver_open');
  const senderA = await pair.nextSender();
  const b = session.attach_receiver({ source: { address: 'b' }, autoaccept: false, credit_window: 0 });
  await next(b, 'receiver_open');
  const senderB = await pair.nextSender();
  a.add_credit(1);
  await until(() => senderA.sendable(), 'peer can send on a');
  senderA.send({ body: 'for a' });
  const messageA = await next<EventContext>(a, 'message');
  b.add_credit(1);
  await until(() => senderB.sendable(), 'peer can send on b');
  senderB.send({ body: 'for b' });
  const messageB = await next<EventContext>(b, 'message');
  return { session, a, b, messageA, messageB };
}

it("a session's incoming deliveries are a circular buffer (entries, head, size, capacity) of deliveries carrying link and settled", async () => {
  const { session, a, b } = await twoLinksOneMessageEach();
  const { entries, head, size, capacity } = buffer(session);
  assume(Array.isArray(entries) && typeof head === 'number' && typeof size === 'number' && typeof capacity === 'number', HELPER, 'session.incoming.deliveries has entries[], head, size and capacity');
  assume(size === 2, HELPER, 'an unsettled incoming delivery stays in session.incoming.deliveries');
  const held = [entries![head! % capacity!], entries![(head! + 1) % capacity!]];
  assume(held[0]?.link === a && held[1]?.link === b, HELPER, 'entries are in arrival order from head, each with its link as delivery.link');
  assume(held.every((d) => d?.settled === false), HELPER, 'each entry has a boolean settled, false until settled');
});

it('rhea frees incoming slots only in arrival order; an unsettled delivery of a detached link pins the later ones until forgotten', async () => {
  const { session, a, b, messageB } = await twoLinksOneMessageEach();
  messageB.delivery?.accept();
  const closed = next(a, 'receiver_close');
  a.close();
  await within(closed, HELPER, 'a receiver with an unsettled delivery detaches');
  // b's settled delivery is behind a's unsettled one: it stays.
  await new Promise<void>((resolve) => setImmediate(resolve));
  assume(buffer(session).size === 2, HELPER, 'rhea pops settled incoming deliveries from the head only (pop_if in arrival order)');
  forgetDeliveries(session, a);
  b.add_credit(1); // any pass of the session
  await within(until(() => buffer(session).size === 0, 'the buffer is empty'), HELPER, "a pass drops incoming deliveries whose settled flag is true, whoever set it");
});

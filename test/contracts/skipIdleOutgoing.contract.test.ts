import type { EventContext, Session } from 'rhea';
import { skipIdleOutgoing } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'skipIdleOutgoing';

interface OutgoingSide {
  deliveries?: { size?: unknown };
  updated?: unknown;
  pending_dispositions?: unknown;
  next_delivery_id?: unknown;
  next_pending_delivery?: unknown;
  process?: () => void;
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function begin(skip: boolean): Promise<Session> {
  return openSession(pair.client, skip ? skipIdleOutgoing : undefined);
}

const outgoingOf = (s: Session): OutgoingSide => (s as unknown as { outgoing: OutgoingSide }).outgoing;

/** What an outgoing pass may change: the fields the helper's idle test reads. */
function fields(o: OutgoingSide): string {
  return JSON.stringify([o.deliveries?.size, (o.updated as unknown[]).length, (o.pending_dispositions as unknown[]).length, o.next_delivery_id, o.next_pending_delivery]);
}

describe(`contract: ${HELPER} (src/amqp/rhea/${HELPER}.ts)`, () => {
  it("rhea's session has an outgoing side with process() and the fields the helper reads", async () => {
    const o = outgoingOf(await begin(false));
    assume(typeof o.process === 'function', HELPER, 'a session has session.outgoing.process()');
    assume(typeof o.deliveries?.size === 'number', HELPER, 'outgoing.deliveries (a circular buffer) has a numeric size');
    assume(Array.isArray(o.updated) && Array.isArray(o.pending_dispositions), HELPER, 'outgoing.updated and outgoing.pending_dispositions are arrays');
    assume(typeof o.next_delivery_id === 'number' && typeof o.next_pending_delivery === 'number', HELPER, 'outgoing.next_delivery_id and next_pending_delivery are numbers');
  });

  it("rhea's outgoing pass changes nothing when idle (no delivery buffered or pending, no update, no disposition)", async () => {
    const s = await begin(false);
    const receiver = s.attach_receiver({ source: { address: 'q' }, autoaccept: false, credit_window: 0 });
    await next(receiver, 'receiver_open');
    const o = outgoingOf(s);
    const before = fields(o);
    assume(JSON.parse(before)[0] === 0 && JSON.parse(before)[1] === 0 && JSON.parse(before)[2] === 0, HELPER, 'a session with a receiver alone has an idle outgoing side');
    o.process?.call(o);
    assume(fields(o) === before, HELPER, "an idle outgoing pass leaves the buffer, the update and disposition lists and the delivery ids as they were");
  });

  it('a session whose outgoing side skips idle passes still sends, and its deliveries are settled and leave the buffer', async () => {
    const s = await begin(true);
    const sender = s.attach_sender({ target: { address: 'q' } });
    await next(sender, 'sender_open');
    const receiver = pair.peer;
    const got: string[] = [];
    receiver.on('message', (context: EventContext) => {
      got.push(String(context.message?.body));
      context.delivery?.accept();
    });
    await until(() => sender.sendable(), 'the peer gives credit');
    const accepted = new Promise<void>((resolve) => {
      let n = 0;
      sender.on('accepted', () => {
        if (++n === 2) resolve();
      });
    });
    sender.send({ body: 'a' });
    sender.send({ body: 'b' });
    await within(accepted, HELPER, 'messages sent on a session that skips idle outgoing passes are delivered and accepted');
    assume(got.join(',') === 'a,b', HELPER, 'the peer got both messages in order');
    await within(until(() => outgoingOf(s).deliveries?.size === 0, 'settled deliveries leave the outgoing buffer'), HELPER, 'settled outgoing deliveries leave the buffer');
  });
});

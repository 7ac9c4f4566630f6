import type { Delivery, EventContext, Receiver, Sender, Session } from 'rhea';
import { exactDispositions } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'exactDispositions';

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function session(exact: boolean): Promise<Session> {
  return openSession(pair.client, exact ? exactDispositions : undefined);
}

/** Sends `n` messages to a fresh receiver on `s`; resolves with their deliveries and the peer's sender. */
async function receive(s: Session, n: number): Promise<{ deliveries: Delivery[]; sender: Sender }> {
  const receiver: Receiver = s.attach_receiver({ source: { address: 'q' }, autoaccept: false, credit_window: 0 });
  receiver.add_credit(n);
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  const deliveries: Delivery[] = [];
  receiver.on('message', (context: EventContext) => void deliveries.push(context.delivery as Delivery));
  for (let i = 0; i < n; i++) sender.send({ body: i, message_id: `m${i}` });
  await within(until(() => deliveries.length === n, `${n} messages arrive`), HELPER, 'messages arrive on the session');
  return { deliveries, sender };
}

/** The outcome the peer saw for each of its deliveries, by message index. */
function outcomes(sender: Sender, n: number): Promise<string[]> {
  const seen: string[] = new Array<string>(n);
  let count = 0;
  return new Promise((resolve) => {
    for (const event of ['accepted', 'rejected', 'released', 'modified']) {
      sender.on(event, (context: EventContext) => {
        seen[(context.delivery as Delivery).id] = event;
        if (++count === n) resolve(seen);
      });
    }
  });
}

/** Settles four deliveries in one tick: accept, reject, accept, release. */
function settleMixed(deliveries: Delivery[]): void {
  deliveries[0]!.accept();
  deliveries[1]!.reject({ condition: 'test:bad', description: 'dead-letter me' });
  deliveries[2]!.accept();
  deliveries[3]!.release();
}

describe(`contract: ${HELPER} (src/amqp/rhea/${HELPER}.ts)`, () => {
  it("rhea's incoming side has the process() and fields the helper replaces and reads", async () => {
    const s = await session(false);
    const incoming = (s as unknown as { incoming: Record<string, unknown> }).incoming;
    assume(typeof incoming['process'] === 'function', HELPER, 'session.incoming.process(session) runs once per pass');
    assume(Array.isArray(incoming['updated']), HELPER, 'session.incoming.updated lists the deliveries settled since the last pass');
    assume(typeof (incoming['deliveries'] as { pop_if?: unknown }).pop_if === 'function', HELPER, 'session.incoming.deliveries.pop_if(predicate) drops settled deliveries');
    for (const field of ['max_transfer_id', 'next_transfer_id', 'window']) assume(typeof incoming[field] === 'number', HELPER, `session.incoming.${field} is a number`);
  });

  it('each of several deliveries settled in one tick reaches the peer with its own outcome', async () => {
    const s = await session(true);
    const { deliveries, sender } = await receive(s, 4);
    const seen = outcomes(sender, 4);
    settleMixed(deliveries);
    expect(await within(seen, HELPER, 'the peer sees an outcome per delivery')).toEqual(['accepted', 'rejected', 'accepted', 'released']);
  });

  it('300 deliveries accepted in one tick all reach the peer as accepted, and the session keeps flowing', async () => {
    const s = await session(true);
    const { deliveries, sender } = await receive(s, 300);
    const seen = outcomes(sender, 300);
    for (const d of deliveries) d.accept();
    expect((await within(seen, HELPER, 'the peer sees 300 outcomes')).every((o) => o === 'accepted')).toBe(true);
    const more = await receive(s, 300);
    expect(more.deliveries).toHaveLength(300);
  });

  it("rhea on its own still gives the second of two adjacent settlements the first one's outcome (drop the helper once it does not)", async () => {
    const s = await session(false);
    const { deliveries, sender } = await receive(s, 4);
    const seen = outcomes(sender, 4);
    settleMixed(deliveries);
    assume((await seen)[1] === 'accepted', HELPER, "rhea's write_dispositions folds a rejected delivery into the accepted one before it (if this no longer holds, rhea fixed it)");
  });
});

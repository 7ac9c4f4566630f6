import { createHash } from 'node:crypto';
import { message as rheaMessage, type Delivery, type EventContext, type Receiver, type Sender, type Session } from 'rhea';
import { Connection } from 'rhea-promise';
import { compactDeliveries, UNDECODED_FORMAT } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'compactDeliveries';

/**
 * rhea 3.0.5's `Incoming.prototype.on_transfer`, hashed: compactDeliveries restates it statement for
 * statement, so any change to it in rhea must be carried over (or the helper dropped).
 */
const ON_TRANSFER_SHA256 = '27be78791479c5bb314c29183449e90ad70179a2dc25368c0679169783f2002a';

let pair: RheaPair;
afterEach(() => pair.close());

interface IncomingInternals {
  on_transfer: (frame: unknown, receiver: unknown) => void;
}

function incomingOf(session: Session): IncomingInternals {
  return (session as unknown as { incoming: IncomingInternals }).incoming;
}

function session(compact: boolean): Promise<Session> {
  return openSession(pair.client, compact ? compactDeliveries : undefined);
}

async function receiverAndSender(s: Session, presettled = false): Promise<{ receiver: Receiver; sender: Sender }> {
  const receiver = s.attach_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  if (presettled) (sender as unknown as { local: { attach: { snd_settle_mode: number } } }).local.attach.snd_settle_mode = 1;
  await until(() => sender.sendable(), 'the peer can send');
  return { receiver, sender };
}

async function receiveOne(s: Session, body: unknown, presettled = false): Promise<{ context: EventContext; sender: Sender }> {
  const { receiver, sender } = await receiverAndSender(s, presettled);
  sender.send({ body, message_id: 'm1' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a message arrives on the session');
  return { context, sender };
}

/** The data fields of a delivery, and the names of its methods (own or inherited). */
function shape(delivery: Delivery): { data: Record<string, unknown>; methods: string[] } {
  const d = delivery as unknown as Record<string, unknown>;
  const data: Record<string, unknown> = {};
  const methods: string[] = [];
  for (const key of Object.keys(d)) {
    if (typeof d[key] === 'function') methods.push(key);
    // `frames`: rhea deletes it once the transfer is complete; a compact delivery sets it undefined.
    else if (key !== 'link' && key !== 'incoming' && !(key === 'frames' && d[key] === undefined)) data[key] = d[key];
  }
  for (const key of ['update', 'accept', 'release', 'reject', 'modified']) if (typeof d[key] === 'function' && !methods.includes(key)) methods.push(key);
  return { data, methods: methods.sort() };
}

describe('with rhea as is', () => {
  beforeEach(async () => {
    pair = await rheaPair();
  });

  it("a session's incoming transfers go through session.incoming.on_transfer(frame, receiver), the function compactDeliveries restates", async () => {
    const s = await session(false);
    const incoming = incomingOf(s);
    assume(typeof incoming?.on_transfer === 'function', HELPER, 'session.incoming.on_transfer is a function');
    const source = Object.getPrototypeOf(incoming).on_transfer.toString() as string;
    const hash = createHash('sha256').update(source).digest('hex');
    assume(hash === ON_TRANSFER_SHA256, HELPER, `Incoming.prototype.on_transfer is the code compactDeliveries restates (sha256 ${hash})`);
    let calls = 0;
    const own = incoming.on_transfer;
    incoming.on_transfer = function (this: unknown, frame, receiver): void {
      calls++;
      own.call(this, frame, receiver);
    };
    await receiveOne(s, 'x');
    assume(calls === 1, HELPER, 'rhea calls session.incoming.on_transfer once per transfer');
  });

  it('a compact delivery has the data fields and the methods of the delivery rhea builds, with the same values', async () => {
    const plain = await receiveOne(await session(false), 'same');
    const compact = await receiveOne(await session(true), 'same');
    const theirs = shape(plain.context.delivery!);
    const ours = shape(compact.context.delivery!);
    assume(JSON.stringify(ours.methods) === JSON.stringify(theirs.methods), HELPER, `a delivery has the methods ${theirs.methods.join(', ')}`);
    const keys = Object.keys(theirs.data).sort();
    assume(JSON.stringify(Object.keys(ours.data).sort()) === JSON.stringify(keys), HELPER, `a delivery has the data fields ${keys.join(', ')}`);
    for (const key of keys) {
      if (key === 'id' || key === 'tag') continue; // per link
      assume(JSON.stringify(ours.data[key]) === JSON.stringify(theirs.data[key]), HELPER, `delivery.${key} is ${JSON.stringify(theirs.data[key])}`);
    }
    assume(compact.context.delivery!.link === compact.context.receiver, HELPER, 'delivery.link is the receiver');
    assume(compact.context.message?.body === 'same' && compact.context.message.message_id === 'm1', HELPER, 'format 0 messages are decoded into context.message');
  });

  it('accept, release, release(params), reject and modified send the outcome rhea sends', async () => {
    const s = await session(true);
    const { receiver, sender } = await receiverAndSender(s);
    const cases: Array<[string, (d: Delivery) => void]> = [
      ['accepted', (d) => d.accept()],
      ['released', (d) => d.release()],
      ['modified', (d) => d.release({ undeliverable_here: true })],
      ['rejected', (d) => d.reject({ condition: 'x:y', description: 'no' })],
      ['modified', (d) => d.modified({ delivery_failed: true })],
    ];
    for (const [event, settle] of cases) {
      const outcome = next(sender, event);
      sender.send({ body: event });
      const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a message arrives');
      settle(context.delivery!);
      await within(outcome, HELPER, `the peer sees ${event}`);
    }
    const slots = (s as unknown as { incoming: { deliveries: { size: number } } }).incoming.deliveries;
    await within(until(() => slots.size === 0, 'every slot is free'), HELPER, 'settled deliveries leave session.incoming.deliveries');
  });

  it('a pre-settled delivery has remote_settled === true; update(true) frees its slot', async () => {
    const s = await session(true);
    const { context } = await receiveOne(s, 'pre-settled', true);
    assume(context.delivery!.remote_settled === true, HELPER, 'a transfer sent settled arrives with delivery.remote_settled === true');
    context.delivery!.update(true);
    const slots = (s as unknown as { incoming: { deliveries: { size: number } } }).incoming.deliveries;
    await within(until(() => slots.size === 0, 'the slot is free'), HELPER, 'update(true) frees its slot');
  });

  it('the peer hears of the settlement of an unsettled delivery through update(settled, state)', async () => {
    const s = await session(true);
    const { context, sender } = await receiveOne(s, 'u');
    assume(context.delivery!.remote_settled === false, HELPER, 'a transfer sent unsettled arrives with delivery.remote_settled === false');
    const accepted = next(sender, 'accepted');
    const accept = (rheaMessage as unknown as { accepted(): { described(): unknown } }).accepted().described();
    (context.delivery as unknown as { update(settled: boolean, state: unknown): void }).update(true, accept);
    await within(accepted, HELPER, 'update(true, accepted) sends the accepted outcome');
  });
});

describe('with a small frame size (transfers split over several frames)', () => {
  beforeEach(async () => {
    pair = await rheaPair({ clientOptions: () => ({ max_frame_size: 512 }) });
  });

  it('a message split over several transfer frames arrives whole, once', async () => {
    const s = await session(true);
    const { receiver, sender } = await receiverAndSender(s);
    const body = 'x'.repeat(5000);
    const received: EventContext[] = [];
    receiver.on('message', (c: EventContext) => received.push(c));
    let frames = 0;
    const incoming = incomingOf(s);
    const compact = incoming.on_transfer;
    incoming.on_transfer = function (this: unknown, frame, r): void {
      frames++;
      compact.call(this, frame, r);
    };
    sender.send({ body, message_id: 'big' });
    sender.send({ body: 'small', message_id: 'after' });
    await within(until(() => received.length === 2, 'both messages arrived'), HELPER, 'multi-frame transfers are assembled');
    assume(received[0]!.message?.body === body && received[1]!.message?.body === 'small', HELPER, 'the frames of a transfer are joined in order');
    assume(frames > 3, HELPER, 'a 5 000-byte message reaches on_transfer in several frames when max_frame_size is 512');
    assume(received[0]!.delivery!.id + 1 === received[1]!.delivery!.id, HELPER, 'delivery ids follow each other');
  });
});

describe("through rhea-promise (the client's management and CBS sessions)", () => {
  beforeEach(async () => {
    pair = await rheaPair();
  });

  it("rhea-promise's Session exposes rhea's incoming side as `incoming`: its deliveries become compact", async () => {
    const port = (pair.client as unknown as { options: { port: number } }).options.port;
    const connection = new Connection({ host: '127.0.0.1', port, reconnect: false });
    await connection.open();
    try {
      const s = await connection.createSession();
      compactDeliveries(s);
      const receiver = await s.createReceiver({ source: { address: 'q' }, autoaccept: false });
      const sender = await pair.nextSender();
      await until(() => sender.sendable(), 'the peer can send');
      const arrived = new Promise<EventContext>((resolve) => receiver.once('message', resolve));
      sender.send({ body: 'via rhea-promise' });
      const context = await within(arrived, HELPER, 'a message arrives on a rhea-promise receiver');
      const delivery = context.delivery as unknown as Record<string, unknown>;
      assume(context.message?.body === 'via rhea-promise', HELPER, 'the message is decoded');
      assume(typeof delivery['update'] === 'function' && !Object.prototype.hasOwnProperty.call(delivery, 'update'), HELPER, "rhea-promise's session.incoming is rhea's: the delivery was built by compactDeliveries");
    } finally {
      await connection.close();
    }
  });

  it('with undecoded, a plain message reaches a rhea-promise receiver as its bytes, context.format UNDECODED_FORMAT', async () => {
    const port = (pair.client as unknown as { options: { port: number } }).options.port;
    const connection = new Connection({ host: '127.0.0.1', port, reconnect: false });
    await connection.open();
    try {
      const s = await connection.createSession();
      compactDeliveries(s, true);
      const receiver = await s.createReceiver({ source: { address: 'q' }, autoaccept: false });
      const sender = await pair.nextSender();
      await until(() => sender.sendable(), 'the peer can send');
      const arrived = new Promise<EventContext>((resolve) => receiver.once('message', resolve));
      sender.send({ body: 'undecoded', correlation_id: 'c1' });
      const context = await within(arrived, HELPER, 'a message arrives on a rhea-promise receiver');
      const raw = context.message as unknown;
      assume(Buffer.isBuffer(raw), HELPER, "rhea-promise passes rhea's context.message (the bytes) through to its receiver's 'message' event");
      assume((context as unknown as { format?: number }).format === UNDECODED_FORMAT, HELPER, "rhea-promise passes rhea's context.format through");
      const decoded = rheaMessage.decode(raw as Buffer);
      assume(decoded.body === 'undecoded' && decoded.correlation_id === 'c1', HELPER, 'the bytes are the whole message');
    } finally {
      await connection.close();
    }
  });
});

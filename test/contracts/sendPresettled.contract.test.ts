import { createHash } from 'node:crypto';
import { message as rheaMessage, type EventContext, type Sender, type Session } from 'rhea';
import { Connection } from 'rhea-promise';
import { sendPresettled } from '../../src/amqp/rhea';
import { assume, next, openSession, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'sendPresettled';

/**
 * rhea 3.0.5's functions whose effects sendPresettled restates for a pre-settled one-frame delivery
 * (the frame, and the state sending and settling it changes), hashed: a change to any of them in rhea
 * must be carried over (or the helper dropped).
 */
const RESTATED_SHA256 = '7ebe96f3dc911b0903d5bf8fb9c41334b86afe67be96ab5d97abf4dafca494ce';

let pairs: RheaPair[] = [];
afterEach(async () => {
  await Promise.all(pairs.map((p) => p.close()));
  pairs = [];
});

/** A client connection and its peer; with `sasl`, the client authenticates (SASL ANONYMOUS), as the client's connections do. */
async function pair(sasl = false): Promise<RheaPair> {
  const p = await rheaPair(sasl ? { clientOptions: () => ({ username: 'anonymous' }) } : {});
  pairs.push(p);
  return p;
}

interface Outgoing {
  deliveries: { size: number };
  next_delivery_id: number;
  next_pending_delivery: number;
  next_transfer_id: number;
  window: number;
}
const outgoingOf = (s: Session): Outgoing => (s as unknown as { outgoing: Outgoing }).outgoing;
const linkOf = (sender: Sender): { tag: number; credit: number; delivery_count: number } => sender as unknown as { tag: number; credit: number; delivery_count: number };

/**
 * What sending changes in rhea: the sender's tag and delivery count, the session's ids, window and
 * buffer (credit is compared apart: the peer's flows top it up on their own time).
 */
function state(s: Session, sender: Sender): string {
  const o = outgoingOf(s);
  const l = linkOf(sender);
  return JSON.stringify({ tag: l.tag, count: l.delivery_count, size: o.deliveries.size, id: o.next_delivery_id, pending: o.next_pending_delivery, transfer: o.next_transfer_id, window: o.window });
}

/** A pre-settled sender on a fresh session of `p`'s client, with the peer's credit; the transfer frames its connection writes. */
async function presettledSender(p: RheaPair): Promise<{ session: Session; sender: Sender; transfers: Buffer[]; received: unknown[] }> {
  const session = await openSession(p.client);
  const received: unknown[] = [];
  p.peer.on('message', (context: EventContext) => void received.push(context.message?.body));
  const sender = session.attach_sender({ target: { address: 'q' }, snd_settle_mode: 1 });
  await next(sender, 'sender_open');
  await within(until(() => sender.sendable(), 'the peer gives credit'), HELPER, 'the peer gives a pre-settled sender credit');
  const socket = (p.client as unknown as { socket: { write(b: Buffer): unknown } }).socket;
  const transfers: Buffer[] = [];
  const write = socket.write;
  socket.write = function (this: unknown, bytes: Buffer, ...rest: unknown[]): unknown {
    // A transfer frame: its performative is described(0x14).
    if (bytes.length > 11 && bytes[8] === 0x00 && bytes[9] === 0x53 && bytes[10] === 0x14) transfers.push(Buffer.from(bytes));
    return (write as (...args: unknown[]) => unknown).call(this, bytes, ...rest);
  };
  return { session, sender, transfers, received };
}

/** An encoded message of exactly `bytes` bytes. */
function sized(bytes: number): Buffer {
  for (let n = 0; n < bytes; n++) {
    const encoded = rheaMessage.encode({ body: 'x'.repeat(n) });
    if (encoded.length === bytes) return encoded;
  }
  throw new Error(`no message of ${bytes} bytes`);
}

const payload = (i: number): Buffer => rheaMessage.encode({ body: `request ${i}`, message_id: `m${i}` });

describe(`contract: ${HELPER} (src/amqp/rhea/${HELPER}.ts)`, () => {
  it("rhea's send, tag, outgoing pass, frame write and output are the versions the helper restates", async () => {
    const p = await pair();
    const s = await openSession(p.client);
    const sender = s.attach_sender({ target: { address: 'q' }, snd_settle_mode: 1 });
    const outgoing = Object.getPrototypeOf(outgoingOf(s)) as Record<string, () => void>;
    const senderProto = Object.getPrototypeOf(sender) as Record<string, () => void>;
    const sessionProto = Object.getPrototypeOf(s) as Record<string, () => void>;
    const connectionProto = Object.getPrototypeOf(p.client) as Record<string, () => void>;
    const transport = Object.getPrototypeOf((p.client as unknown as { amqp_transport: object }).amqp_transport) as Record<string, () => void>;
    const frames = require('rhea/lib/frames.js') as Record<string, () => void>;
    const sources = [
      senderProto['send'],
      senderProto['next_tag'],
      senderProto['sendable'],
      sessionProto['send'],
      sessionProto['output'],
      outgoing['send'],
      outgoing['process'],
      outgoing['compute_max_payload'],
      outgoing['transfer_window'],
      connectionProto['_write_frame'],
      connectionProto['output'],
      transport['encode'],
      transport['write'],
      frames['write_frame'],
      frames['amqp_frame'],
    ].map((f) => String(f));
    const hash = createHash('sha256').update(sources.join('\n')).digest('hex');
    assume(hash === RESTATED_SHA256, HELPER, `rhea's Sender.send, next_tag, Session.send/output, Outgoing.send/process, Connection._write_frame/output and frames.write_frame are unchanged (sha256 ${hash})`);
  });

  it("writes the transfer frames rhea writes and leaves rhea's state as rhea's own send does; the peer gets every message, settled", async () => {
    const viaRhea = await presettledSender(await pair(true));
    const direct = await presettledSender(await pair(true));
    const c = direct.session.connection as unknown as { transport: unknown; amqp_transport: unknown };
    assume(c.transport !== c.amqp_transport, HELPER, "after SASL, rhea's connection writes through its SASL client, which hands writes to the AMQP transport");
    // Past 255: delivery ids and tags of every width rhea encodes.
    const n = 300;
    for (let i = 0; i < n; i++) {
      viaRhea.sender.send(payload(i), undefined, 0);
      await within(until(() => outgoingOf(viaRhea.session).deliveries.size === 0, 'rhea sent and dropped the delivery'), HELPER, 'a pre-settled delivery leaves rhea once sent');
      const credit = linkOf(direct.sender).credit;
      assume(sendPresettled(direct.sender, payload(i)), HELPER, 'a pre-settled sender with credit, on an idle session of a writing connection, sends directly');
      assume(linkOf(direct.sender).credit === credit - 1, HELPER, 'a direct send uses one credit, as rhea\'s outgoing pass does');
      assume(state(direct.session, direct.sender) === state(viaRhea.session, viaRhea.sender), HELPER, `the direct send leaves the sender and session as rhea's send and pass do (${state(direct.session, direct.sender)} vs ${state(viaRhea.session, viaRhea.sender)})`);
    }
    await within(until(() => viaRhea.received.length === n && direct.received.length === n, 'the peers got every message'), HELPER, 'the peer receives the directly sent messages');
    assume(direct.transfers.length === n && viaRhea.transfers.length === n, HELPER, 'one transfer frame per message');
    for (let i = 0; i < n; i++) {
      assume(direct.transfers[i]!.equals(viaRhea.transfers[i]!), HELPER, `transfer ${i} has rhea's bytes (${direct.transfers[i]!.toString('hex')} vs ${viaRhea.transfers[i]!.toString('hex')})`);
    }
    assume(JSON.stringify(direct.received) === JSON.stringify(viaRhea.received), HELPER, 'the peer decodes the same messages in the same order');
  });

  it("declines (rhea's send then runs) without credit, with a delivery waiting, or for a sender that is not pre-settled", async () => {
    const p = await pair();
    const { session, sender } = await presettledSender(p);
    const before = state(session, sender);
    const credit = linkOf(sender).credit;
    linkOf(sender).credit = 0;
    assume(!sendPresettled(sender, payload(0)), HELPER, 'no send without credit');
    linkOf(sender).credit = credit;
    sender.send(payload(1), undefined, 0);
    assume(!sendPresettled(sender, payload(2)), HELPER, 'no send while a delivery waits for the outgoing pass (order kept)');
    await within(until(() => outgoingOf(session).deliveries.size === 0, 'rhea sent its delivery'), HELPER, 'rhea sends its waiting delivery');
    assume(state(session, sender) !== before, HELPER, 'state moved by the one rhea send only');
    const unsettled = session.attach_sender({ target: { address: 'q' } });
    await next(unsettled, 'sender_open');
    await until(() => unsettled.sendable(), 'the peer gives credit');
    assume(!sendPresettled(unsettled, payload(3)), HELPER, 'no send for a sender whose deliveries are not pre-settled');
    // The peer's max-frame-size (rhea's connection.max_frame_size: its open's field) bounds a one-frame send.
    const open = (p.client as unknown as { remote: { open: { max_frame_size: number } } }).remote.open;
    open.max_frame_size = 512;
    assume((p.client as unknown as { max_frame_size: number }).max_frame_size === 512, HELPER, "connection.max_frame_size is the peer's open's max_frame_size");
    const fits = 512 - (50 + String(linkOf(sender).tag).length);
    assume(!sendPresettled(sender, sized(fits + 1)), HELPER, 'no send of a payload rhea would split into several transfers');
    assume(sendPresettled(sender, sized(fits)), HELPER, 'a payload that fits one frame is sent');
  });

  it("takes rhea-promise's Sender (the client's management links): its `_link` is rhea's sender", async () => {
    const p = await pair();
    const port = (p.client as unknown as { options: { port: number } }).options.port;
    const connection = new Connection({ host: '127.0.0.1', port, reconnect: false, username: 'anonymous' });
    await connection.open();
    try {
      const s = await connection.createSession();
      const sender = await s.createSender({ target: { address: 'q' }, snd_settle_mode: 1 });
      await within(until(() => sender.sendable(), 'the peer gives credit'), HELPER, "the peer gives rhea-promise's sender credit");
      const got = new Promise<EventContext>((resolve) => p.peer.once('message', resolve));
      assume(sendPresettled(sender, payload(7)), HELPER, "rhea-promise's Sender wraps rhea's as `_link`");
      const context = await within(got, HELPER, 'the peer receives a message sent through a rhea-promise sender');
      assume(context.message?.body === 'request 7' && context.delivery?.remote_settled === true, HELPER, 'the message arrives pre-settled');
    } finally {
      await connection.close();
    }
  });
});

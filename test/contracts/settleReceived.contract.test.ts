import { createHash } from 'node:crypto';
import type { Delivery, EventContext, Receiver, Session } from 'rhea';
import { settleReceived } from '../../src/amqp/rhea';
import { assume, next, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'settleReceived';

/**
 * rhea 3.0.5's `Incoming.update`, `Incoming.process` and `CircularBuffer.pop_if`, hashed: settleReceived
 * frees a pre-settled delivery as `update(true)` and the pass it asks for would, so a change to any of
 * them in rhea must be carried over (or the shortcut dropped).
 */
const RESTATED_SHA256 = '73ed26da9294aab58c2d121c02fa66bdc2a9313d6151945af9f303a529965f7b';

interface IncomingInternals {
  max_transfer_id: number;
  next_transfer_id: number;
  window: number;
  deliveries: object;
}
const incomingOf = (session: Session): IncomingInternals => (session as unknown as { incoming: IncomingInternals }).incoming;

/** A pre-settled delivery (as $management and $cbs replies come) waiting in the buffer of its receiver's session. */
async function receivePresettled(): Promise<{ receiver: Receiver; delivery: Delivery }> {
  const receiver = pair.client.open_receiver({ source: { address: 'replies' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  (sender as unknown as { local: { attach: { snd_settle_mode: number } } }).local.attach.snd_settle_mode = 1;
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'pre-settled reply' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a pre-settled transfer arrives');
  return { receiver, delivery: context.delivery! };
}

/** The frames the client connection writes from now on. */
function writes(): Buffer[] {
  const socket = (pair.client as unknown as { socket: { write(b: Buffer): unknown } }).socket;
  const written: Buffer[] = [];
  const write = socket.write;
  socket.write = function (this: unknown, bytes: Buffer, ...rest: unknown[]): unknown {
    written.push(Buffer.from(bytes));
    return (write as (...args: unknown[]) => unknown).call(this, bytes, ...rest);
  };
  return written;
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

function bufferSize(session: Session): number | undefined {
  return (session as unknown as { incoming?: { deliveries?: { size?: number } } }).incoming?.deliveries?.size;
}

async function receiveUnsettled(): Promise<{ context: EventContext; session: Session; accepted: Promise<unknown> }> {
  const receiver = pair.client.open_receiver({ source: { address: 'replies' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  await until(() => sender.sendable(), 'the peer can send');
  const accepted = next(sender, 'accepted');
  sender.send({ body: 'reply' });
  const context = await next<EventContext>(receiver, 'message');
  return { context, session: receiver.session, accepted };
}

it('a delivery the peer sent pre-settled has remote_settled === true; update(true) frees its slot', async () => {
  // The replies of $management and $cbs come pre-settled: the peer's sender settles on send.
  const { receiver, delivery } = await receivePresettled();
  assume(delivery?.remote_settled === true, HELPER, "a transfer sent settled arrives with delivery.remote_settled === true");
  assume(bufferSize(receiver.session) === 1, HELPER, 'a pre-settled delivery of an autoaccept:false receiver waits in session.incoming.deliveries until settled locally');
  const written = writes();
  delivery.update(true);
  assume(delivery.settled && (pair.client as unknown as { registered: boolean }).registered, HELPER, 'update(true) marks it settled and asks for a processing pass');
  await within(until(() => bufferSize(receiver.session) === 0, 'the slot is free'), HELPER, "delivery.update(true) marks it settled and asks for the pass that frees its slot");
  assume(written.length === 0, HELPER, 'that pass writes nothing for it (no disposition, no flow while the window is mostly free)');
});

it("rhea's Incoming.update, Incoming.process and pop_if are the versions settleReceived's shortcut restates", async () => {
  const { receiver } = await receivePresettled();
  const incoming = incomingOf(receiver.session);
  const sources = [
    (Object.getPrototypeOf(incoming) as Record<string, unknown>)['update'],
    (Object.getPrototypeOf(incoming) as Record<string, unknown>)['process'],
    (Object.getPrototypeOf(incoming.deliveries) as Record<string, unknown>)['pop_if'],
  ].map((f) => String(f));
  const hash = createHash('sha256').update(sources.join('\n')).digest('hex');
  assume(hash === RESTATED_SHA256, HELPER, `rhea's Incoming.update, Incoming.process and CircularBuffer.pop_if are unchanged (sha256 ${hash})`);
});

it('a pre-settled delivery at the head of the buffer, with no flow due, is freed at once: settled, out of the buffer, no pass, nothing written', async () => {
  const { receiver, delivery } = await receivePresettled();
  const written = writes();
  settleReceived(delivery);
  assume(delivery.settled && bufferSize(receiver.session) === 0, HELPER, 'the delivery is settled and its slot free at once');
  assume(!(pair.client as unknown as { registered: boolean }).registered, HELPER, 'no processing pass was asked for');
  await new Promise<void>((resolve) => setImmediate(resolve));
  assume(written.length === 0, HELPER, 'nothing is written for it');
});

it("when half the session's incoming window is used, settling leaves it to rhea's pass, which writes the session flow", async () => {
  const { receiver, delivery } = await receivePresettled();
  const incoming = incomingOf(receiver.session);
  // As if the peer had sent half a window of transfers since the last flow.
  incoming.max_transfer_id = incoming.next_transfer_id + Math.floor(incoming.window / 2) - 1;
  const written = writes();
  settleReceived(delivery);
  assume(delivery.settled && (pair.client as unknown as { registered: boolean }).registered, HELPER, 'a flow is due: the delivery is settled through update(true), which asks for a pass');
  await within(until(() => bufferSize(receiver.session) === 0, 'the slot is free'), HELPER, "rhea's pass frees the slot");
  assume(incoming.max_transfer_id === incoming.next_transfer_id + incoming.window, HELPER, "rhea's pass wrote the session flow (max_transfer_id moved to a whole window ahead)");
  assume(written.some((b) => b.length > 11 && b[8] === 0x00 && b[9] === 0x53 && b[10] === 0x13), HELPER, 'a flow frame was written');
});

it('an unsettled delivery is accepted: the peer sees accepted and the slot is freed', async () => {
  const { context, session, accepted } = await receiveUnsettled();
  assume(context.delivery?.remote_settled === false, HELPER, 'a transfer sent unsettled arrives with delivery.remote_settled === false');
  settleReceived(context.delivery!);
  await within(accepted, HELPER, 'delivery.accept() sends the accepted outcome');
  await within(until(() => bufferSize(session) === 0, 'the slot is free'), HELPER, 'an accepted delivery leaves session.incoming.deliveries');
});

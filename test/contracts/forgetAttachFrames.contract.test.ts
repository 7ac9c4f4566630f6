import type { EventContext, Receiver } from 'rhea';
import { forgetAttachFrames } from '../../src/amqp/rhea';
import { assume, next, PEER_MAX_MESSAGE_SIZE, rheaPair, until, within, type RheaPair } from './rheaPair';

const HELPER = 'forgetAttachFrames';

interface AttachFrames {
  local?: { attach?: Record<string, unknown> };
  remote?: { attach?: Record<string, unknown> };
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

/** Attaches a receiver with manual acceptance and forgets its frames as openReceiverLink does. */
async function attachAndForget(): Promise<Receiver> {
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  await new Promise<void>((resolve) => queueMicrotask(() => {
    forgetAttachFrames(receiver);
    resolve();
  }));
  return receiver;
}

it('a link keeps both attach frames as link.local.attach and link.remote.attach, with role and settle modes', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const frames = receiver as unknown as AttachFrames;
  assume(typeof frames.local?.attach === 'object', HELPER, 'a link keeps its own attach frame at link.local.attach');
  assume(typeof frames.remote?.attach === 'object', HELPER, "a link keeps the peer's attach frame at link.remote.attach");
  for (const field of ['role', 'snd_settle_mode', 'rcv_settle_mode']) {
    assume(field in (frames.local?.attach ?? {}), HELPER, `the local attach frame has a '${field}' field`);
  }
  assume(receiver.max_message_size === PEER_MAX_MESSAGE_SIZE, HELPER, "link.max_message_size reads the peer's attach frame (remote.attach.max_message_size)");
});

it("rhea stores the peer's attach frame before the receiver_open event's microtasks run, and not again", async () => {
  const receiver = await attachAndForget();
  // A round trip later (credit out, message in) the forgotten frame is still the one we put there.
  const sender = await pair.nextSender();
  receiver.add_credit(1);
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'x' });
  await within(next(receiver, 'message'), HELPER, 'a receiver gets messages after its attach frames were forgotten');
  const remote = (receiver as unknown as AttachFrames).remote?.attach ?? {};
  assume(
    Object.keys(remote).sort().join(',') === 'max_message_size,rcv_settle_mode,snd_settle_mode',
    HELPER,
    "rhea assigns link.remote.attach during attach handling (session.on_attach, after the open event) and never later; a microtask after receiver_open is past it",
  );
});

it('after forgetting the frames, rhea reads only role, settle modes and max_message_size: the link still receives, settles and detaches', async () => {
  const receiver = await attachAndForget();
  const sender = await pair.nextSender();
  assume(receiver.is_receiver(), HELPER, "a link's role is read from local.attach.role");
  assume(receiver.max_message_size === PEER_MAX_MESSAGE_SIZE, HELPER, 'max_message_size survives (kept from the remote frame)');
  receiver.add_credit(1);
  await until(() => sender.sendable(), 'the peer can send');
  sender.send({ body: 'settle me' });
  const context = await within(next<EventContext>(receiver, 'message'), HELPER, 'a receiver gets messages after its attach frames were forgotten');
  const accepted = next(sender, 'accepted');
  context.delivery?.accept();
  await within(accepted, HELPER, 'a receiver settles (accept reaches the peer) after its attach frames were forgotten');
  const peerClosed = next(sender, 'sender_close');
  receiver.close();
  await within(Promise.all([peerClosed, next(receiver, 'receiver_close')]), HELPER, 'a receiver detaches after its attach frames were forgotten');
});

interface LinkLocal {
  local?: { handle?: unknown; detach?: { handle?: unknown; closed?: unknown; error?: unknown } };
  options?: unknown;
}

it('rhea prepares the detach frame at attach as link.local.detach ({ handle, closed: true }, no error) and keeps the handle at link.local.handle', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const local = (receiver as unknown as LinkLocal).local;
  assume(typeof local?.handle === 'number', HELPER, "a link's handle is link.local.handle");
  assume(local?.detach?.closed === true && local.detach.error === undefined, HELPER, 'the prepared detach frame is closed, without an error, until close()/detach() fill it in');
  assume(local?.detach?.handle === local?.handle, HELPER, "the prepared detach frame carries the link's handle");
  assume(typeof (receiver as unknown as LinkLocal).options === 'object', HELPER, 'a link keeps its options at link.options');
});

it("after forgetting, close(error) still sends a detach with the link's handle, closed and carrying the error (the frame is built on first use)", async () => {
  const receiver = await attachAndForget();
  const sender = await pair.nextSender();
  const local = (receiver as unknown as LinkLocal).local;
  const closed = next<EventContext>(sender, 'sender_close');
  receiver.close({ condition: 'test:bye', description: 'closing with an error' });
  const context = await within(closed, HELPER, 'a link whose detach frame is built on first use detaches');
  const error = (context.sender as unknown as { error?: { condition?: unknown } }).error;
  assume(error?.condition === 'test:bye', HELPER, 'close(error) fills in the detach frame built on first use, and the peer gets the error');
  assume(local?.detach?.handle === local?.handle, HELPER, "the detach frame built on first use carries the link's handle");
});

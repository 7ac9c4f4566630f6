/**
 * Contract test for the broker's leanOutgoingTransfers (src/emulator/rhea/leanOutgoingTransfers.ts), a copy
 * of rhea's `Outgoing.process` (and its `write_dispositions`, session.js) whose transfers are written
 * directly by writeFramesInPlace: the copy must be of the code rhea runs, and every frame must be the
 * bytes rhea's `frames.write_frame` writes for it, including transfers split over several frames.
 */
import { createHash } from 'node:crypto';
import type { Connection, EventContext, Session } from 'rhea';
import { amqpTransport, sessionInternals, type OutgoingFrame } from '../../src/emulator/rhea/internals';
import { DIRECT_TRANSFER, leanOutgoingTransfers, TransferPerformative, type DirectTransfer } from '../../src/emulator/rhea/leanOutgoingTransfers';
import { encodeFrame, writeFramesInPlace } from '../../src/emulator/rhea/writeFramesInPlace';
import { next, rheaPair, until, within, type RheaPair } from './rheaPair';

/** sha256 of rhea 3.0.5's `Outgoing.prototype.process` source, the code the broker's copy follows. */
const PROCESS_SHA256 = '1bdf8b4b5f7b9f834e575b1ffb16de8cd54f7a30df3b78c20e7fb44e8901ac0e';
/** sha256 of rhea 3.0.5's `Outgoing.prototype.on_disposition` source, the code the broker's onDisposition follows. */
const ON_DISPOSITION_SHA256 = '123a9407250e1d7de1dedadb74891da36b1d8cb6207bad9c4e49a08bf0d3aa69';
const rheaFrames = require('rhea/lib/frames.js') as { write_frame(frame: OutgoingFrame): Buffer };

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/leanOutgoingTransfers.ts copies it; re-read session.js Outgoing.process and write_dispositions)`);
}

let pair: RheaPair;
beforeEach(async () => {
  // A small frame size: a 5 000-byte message leaves the peer in several transfers.
  pair = await rheaPair({ clientOptions: () => ({ max_frame_size: 1024 }) });
});
afterEach(() => pair.close());

it("rhea's Outgoing.process is the code the broker's copy was made from", async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' } });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const source = String(sessionInternals(sender.session as Session).outgoing.process);
  const sha = createHash('sha256').update(source).digest('hex');
  assume(sha === PROCESS_SHA256, `session.outgoing.process is rhea 3.0.5's (sha256 now ${sha})`);
  const onDisposition = String((sessionInternals(sender.session as Session).outgoing as unknown as { on_disposition: unknown }).on_disposition);
  const dispositionSha = createHash('sha256').update(onDisposition).digest('hex');
  assume(dispositionSha === ON_DISPOSITION_SHA256, `session.outgoing.on_disposition is rhea 3.0.5's (sha256 now ${dispositionSha})`);
});

it('a disposition of a range settles every delivery of it with the outcome', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  writeFramesInPlace(sender.connection as Connection);
  leanOutgoingTransfers(sender.session as Session);
  const accepted: unknown[] = [];
  sender.on('accepted', (context: EventContext) => accepted.push((context.delivery as unknown as { remote_state: { constructor: { composite_type?: string } } }).remote_state.constructor.composite_type));
  const messages: EventContext[] = [];
  receiver.on('message', (context: EventContext) => messages.push(context));
  await until(() => sender.sendable(), 'the peer can send');
  for (let i = 0; i < 4; i++) sender.send({ body: `m${i}` });
  await within(until(() => messages.length === 4, 'every message arrives'), 'leanOutgoingTransfers', 'lean transfers arrive');
  // Accepted in one pass: rhea sends one disposition for the range.
  for (const message of messages) message.delivery!.accept();
  await within(until(() => accepted.length === 4, 'every delivery is accepted'), 'leanOutgoingTransfers', 'a range disposition reaches every delivery');
  expect(accepted).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
});

it('lean transfers are written as rhea writes them, arrive whole, and their settlements come back', async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: false });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const connection = sender.connection as Connection;
  writeFramesInPlace(connection);
  leanOutgoingTransfers(sender.session as Session);
  const transport = amqpTransport(connection);
  const patched = transport.write;
  let transfers = 0;
  let directly = 0;
  const different: string[] = [];
  // What rhea would have written for every frame, in order: the frames queued in `pending` and the transfers written directly.
  const expected: Buffer[] = [];
  transport.write = function (this: typeof transport, socket): void {
    for (const frame of this.pending) {
      if (frame.performative instanceof TransferPerformative) transfers++;
      expected.push(rheaFrames.write_frame(frame));
      if (!encodeFrame(frame).equals(rheaFrames.write_frame(frame))) different.push(String(frame.performative));
    }
    patched.call(this, socket);
  };
  const directs = connection as unknown as { [DIRECT_TRANSFER]?: DirectTransfer };
  const direct = directs[DIRECT_TRANSFER]!;
  directs[DIRECT_TRANSFER] = (channel, handle, format, id, tag, settled, more, payload) => {
    const written = direct(channel, handle, format, id, tag, settled, more, payload);
    if (written) {
      transfers++;
      directly++;
      expected.push(rheaFrames.write_frame({ channel, type: 0, performative: new TransferPerformative(handle, format, id, tag, settled, more) as never, payload }));
    }
    return written;
  };
  const socket = (connection as unknown as { socket: { write(chunk: Buffer): boolean } }).socket;
  const write = socket.write;
  const written: Buffer[] = [];
  socket.write = function (this: unknown, chunk: Buffer): boolean {
    written.push(Buffer.from(chunk));
    return write.call(this, chunk);
  };
  const outcomes: string[] = [];
  for (const event of ['accepted', 'rejected', 'released', 'settled']) sender.on(event, () => outcomes.push(event));
  const messages: EventContext[] = [];
  receiver.on('message', (context: EventContext) => messages.push(context));
  await until(() => sender.sendable(), 'the peer can send');
  const bodies = ['x'.repeat(5_000), 'small', 'r'];
  for (const body of bodies) sender.send({ body, application_properties: { n: body.length } });
  await within(until(() => messages.length === bodies.length, 'every message arrives'), 'leanOutgoingTransfers', 'lean transfers arrive');
  expect(messages.map((m) => m.message?.body)).toEqual(bodies);
  // One at a time: rhea's write_dispositions merges two adjacent ids into one range whatever their states.
  const settlements: Array<(context: EventContext) => void> = [
    (m) => m.delivery!.accept(),
    (m) => m.delivery!.reject({ condition: 'amqp:internal-error', description: 'no' }),
    (m) => m.delivery!.release(),
  ];
  for (const [i, settle] of settlements.entries()) {
    settle(messages[i]!);
    await within(until(() => outcomes.filter((o) => o === 'settled').length === i + 1, 'the settlement comes back'), 'leanOutgoingTransfers', 'outcomes reach a lean sender');
  }
  expect(outcomes.filter((o) => o !== 'settled').sort()).toEqual(['accepted', 'rejected', 'released']);
  assume(transfers > bodies.length, 'Outgoing.process splits a large delivery into several transfers (more: true)');
  expect(different).toEqual([]);
  expect(directly).toBeGreaterThan(0);
  expect(Buffer.concat(written).equals(Buffer.concat(expected))).toBe(true);
});

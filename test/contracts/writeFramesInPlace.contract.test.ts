/**
 * Contract test for the broker's writeFramesInPlace (src/emulator/rhea/writeFramesInPlace.ts): rhea's AMQP
 * transport queues frames in `pending` and writes them in `write(socket)` (an instance member),
 * `encodeFrame` produces the bytes of rhea's `frames.write_frame` for every frame a connection writes,
 * and rhea's `Connection.prototype.output` is the code whose checks the patched connection runs once
 * per tick (heartbeats re-armed, a closed connection's socket ended after its close frame).
 */
import { createHash } from 'node:crypto';
import type { Connection, EventContext } from 'rhea';
import { amqpTransport, rheaLog, type OutgoingFrame } from '../../src/emulator/rhea/internals';
import { encodeFrame, writeFramesInPlace } from '../../src/emulator/rhea/writeFramesInPlace';
import { next, rheaPair, until, within, type RheaPair } from './rheaPair';

const rheaFrames = require('rhea/lib/frames.js') as { write_frame(frame: OutgoingFrame): Buffer };
/** sha256 of rhea 3.0.5's `Connection.prototype.output` source: frames written, then the end and heartbeat checks. */
const OUTPUT_SHA256 = 'c7546fe3024dc489d4ce0de67d696718b0ee58a81dad0c2ac3d508eb5d689ed6';

function assume(holds: boolean, what: string): void {
  if (!holds) throw new Error(`rhea changed: ${what} no longer holds (the broker's rhea/writeFramesInPlace.ts relies on it)`);
}

let pair: RheaPair;
beforeEach(async () => {
  pair = await rheaPair();
});
afterEach(() => pair.close());

it("rhea's frame loggers expose `enabled` (falsy without DEBUG)", () => {
  assume('enabled' in rheaLog.frames && 'enabled' in rheaLog.raw, 'lib/log.js exports debug loggers `frames` and `raw` with `enabled`');
  if (process.env['DEBUG'] === undefined) assume(!rheaLog.frames.enabled && !rheaLog.raw.enabled, 'the frame loggers are off without DEBUG');
});

it("a connection's amqp_transport writes its pending frames in write(socket); encodeFrame writes rhea's bytes for each", async () => {
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: true });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const connection = sender.connection as Connection;
  const transport = amqpTransport(connection);
  assume(Array.isArray(transport.pending) && typeof transport.write === 'function', 'connection.amqp_transport has `pending` (array) and `write(socket)`');
  assume(Boolean(transport.header_sent), 'amqp_transport.header_sent is set once the protocol header went out');
  writeFramesInPlace(connection);
  const patched = transport.write;
  let frames = 0;
  const kinds = new Set<string>();
  const different: string[] = [];
  transport.write = function (this: typeof transport, socket): void {
    for (const frame of this.pending) {
      frames++;
      const name = String((frame.performative as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? 'empty');
      kinds.add(frame.payload ? `${name}+payload` : name);
      if (!encodeFrame(frame).equals(rheaFrames.write_frame(frame))) different.push(name);
    }
    patched.call(this, socket);
  };
  await until(() => sender.sendable(), 'the peer can send');
  const settled = new Promise<void>((resolve) => sender.on('accepted', () => resolve()));
  const messages: unknown[] = [];
  receiver.on('message', (context: EventContext) => messages.push(context.message?.body));
  sender.send({ body: 'x'.repeat(5_000), application_properties: { n: 1 } });
  sender.send({ body: 'small' });
  await within(settled, 'writeFramesInPlace', 'messages written through the patched transport arrive and are settled');
  await until(() => messages.length === 2, 'both messages arrive');
  expect(messages).toEqual(['x'.repeat(5_000), 'small']);
  sender.close();
  await next(receiver, 'receiver_close');
  assume(frames >= 3, 'the patched write(socket) sees the frames of transfers and detaches in `pending`');
  expect(different).toEqual([]);
});

it("rhea's Connection.prototype.output is the code whose end and heartbeat checks the patched connection defers to the end of the tick", () => {
  const output = (require('rhea/lib/connection.js') as { prototype: { output: unknown } }).prototype.output;
  const sha = createHash('sha256').update(String(output)).digest('hex');
  assume(sha === OUTPUT_SHA256, `Connection.prototype.output is rhea 3.0.5's (sha256 now ${sha})`);
});

it('a patched connection keeps its heartbeat armed while it writes, and ends its socket after the close frame', async () => {
  pair.close();
  // The client asks for heartbeats: rhea re-arms heartbeat_out after the frames it writes.
  pair = await rheaPair({ clientOptions: () => ({ idle_time_out: 60_000 }) });
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: true });
  await next(receiver, 'receiver_open');
  const sender = await pair.nextSender();
  const connection = sender.connection as Connection;
  const internals = connection as unknown as { heartbeat_out?: NodeJS.Timeout; socket: { once(event: string, listener: () => void): void } };
  writeFramesInPlace(connection);
  await until(() => sender.sendable(), 'the peer can send');
  const before = internals.heartbeat_out;
  const arrived = new Promise<void>((resolve) => receiver.once('message', () => resolve()));
  sender.send({ body: 'beat' });
  await within(arrived, 'writeFramesInPlace', 'a message written by the patched connection arrives');
  await until(() => internals.heartbeat_out !== undefined && internals.heartbeat_out !== before, 'the heartbeat timer is re-armed after the tick');
  const ended = new Promise<void>((resolve) => internals.socket.once('finish', () => resolve()));
  const closed = next(pair.client, 'connection_close');
  connection.close();
  await within(closed, 'writeFramesInPlace', 'the client receives the close frame');
  await within(ended, 'writeFramesInPlace', 'the socket of the closed connection is ended');
});

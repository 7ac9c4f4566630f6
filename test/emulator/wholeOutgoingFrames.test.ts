/**
 * The broker's frame writer (src/emulator/rhea/writeFramesInPlace.ts) writes the frames of a large
 * delivery whose bytes are one whole encoded message (`markWholeOutgoing`) as views of those bytes,
 * and still copies a large frame payload out of an unrelated, larger buffer. Real rhea peers over TCP.
 */
import type { Connection, EventContext, Sender } from 'rhea';
import { message as codec } from '../../src/emulator/rhea/codec';
import { isWholeOutgoing, markWholeOutgoing } from '../../src/emulator/rhea/wholeOutgoing';
import { writeFramesInPlace } from '../../src/emulator/rhea/writeFramesInPlace';
import { next, rheaPair, until, type RheaPair } from '../contracts/rheaPair';

const BODY = Buffer.alloc(60_000, 7);

let pair: RheaPair;
let sender: Sender;
let chunks: Buffer[];
let received: unknown[];

beforeEach(async () => {
  // Frames of ~20 KB: a 60 KB message is split into payloads above the 16 KiB uncopied threshold.
  pair = await rheaPair({ clientOptions: () => ({ max_frame_size: 20_000 }) });
  const receiver = pair.client.open_receiver({ source: { address: 'q' }, autoaccept: true });
  received = [];
  receiver.on('message', (context: EventContext) => received.push((context.message as { body: unknown }).body));
  await next(receiver, 'receiver_open');
  sender = await pair.nextSender();
  const connection = sender.connection as Connection & { socket: { write(chunk: Buffer): boolean } };
  writeFramesInPlace(connection);
  chunks = [];
  const socket = connection.socket;
  const write = socket.write.bind(socket);
  socket.write = (chunk: Buffer): boolean => {
    chunks.push(chunk);
    return write(chunk);
  };
  await until(() => sender.sendable(), 'the peer can send');
});
afterEach(() => pair.close());

/** The large chunks written: frame payloads written beside their heads. */
function payloadChunks(): Buffer[] {
  return chunks.filter((chunk) => chunk.length >= 16_384);
}

it('writes the frames of a whole encoded message as views of its bytes (no copy)', async () => {
  const encoded = markWholeOutgoing(Buffer.from(codec.encode({ body: BODY })));
  sender.send(encoded, undefined, 0);
  await until(() => received.length === 1, 'the message arrives');
  expect(Buffer.from(received[0] as Buffer).equals(BODY)).toBe(true);
  const large = payloadChunks();
  expect(large.length).toBeGreaterThanOrEqual(2);
  for (const chunk of large) expect(chunk.buffer).toBe(encoded.buffer);
});

it('copies a large frame payload that is a view of a larger, unmarked buffer', async () => {
  const bytes = codec.encode({ body: BODY });
  const parent = Buffer.alloc(bytes.length * 3);
  bytes.copy(parent, bytes.length);
  const view = parent.subarray(bytes.length, 2 * bytes.length);
  sender.send(view, undefined, 0);
  await until(() => received.length === 1, 'the message arrives');
  expect(Buffer.from(received[0] as Buffer).equals(BODY)).toBe(true);
  const large = payloadChunks();
  expect(large.length).toBeGreaterThanOrEqual(2);
  for (const chunk of large) expect(chunk.buffer).not.toBe(parent.buffer);
});

it('leaves pooled-size buffers unmarked', () => {
  const small = Buffer.allocUnsafe(100);
  markWholeOutgoing(small);
  expect(isWholeOutgoing(small.buffer)).toBe(false);
  const large = Buffer.allocUnsafe(8_192);
  expect(isWholeOutgoing(markWholeOutgoing(large).buffer)).toBe(true);
});

/**
 * The broker's frame writer (src/emulator/rhea/writeFramesInPlace.ts) gathers the frames a connection
 * writes in one tick into one chunk, written when the tick's work is done, and writes that chunk before
 * anything else goes to the socket: a large payload written beside its head, and the socket's `end()`.
 */
import { create_container, type Connection } from 'rhea';
import { connectionInternals } from '../../src/emulator/rhea/internals';
import { UNCOPIED_PAYLOAD_BYTES, writeFramesInPlace } from '../../src/emulator/rhea/writeFramesInPlace';

interface FakeSocket {
  readonly events: (Buffer | 'end')[];
  write(chunk: Buffer): boolean;
  end(): void;
}

/** A patched server-side connection (no real socket) whose protocol header is already written. */
function patchedConnection(): { connection: Connection; socket: FakeSocket; queue(channel: number, payload?: Buffer): void; write(): void } {
  const connection = create_container({ id: 'frame-batch' }).create_connection({} as never) as Connection;
  const rhea = connectionInternals(connection) as unknown as { local: { open: unknown } };
  const transport = connectionInternals(connection).amqp_transport;
  writeFramesInPlace(connection);
  const events: (Buffer | 'end')[] = [];
  const socket: FakeSocket = {
    events,
    write: (chunk) => events.push(Buffer.from(chunk)) > 0,
    end: () => void events.push('end'),
  };
  transport.write(socket); // the protocol header, through rhea's own write
  events.length = 0;
  const encode = (transport as unknown as { encode(frame: object): void }).encode.bind(transport);
  return {
    connection,
    socket,
    queue: (channel, payload) => encode({ channel, type: 0, performative: rhea.local.open, payload }),
    write: () => transport.write(socket),
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

it('writes the frames of one tick as one chunk once the tick is done', async () => {
  const { socket, queue, write } = patchedConnection();
  for (let channel = 0; channel < 3; channel++) {
    queue(channel, Buffer.from(`frame ${channel}`));
    write();
  }
  expect(socket.events).toEqual([]);
  await tick();
  expect(socket.events).toHaveLength(1);
  const chunk = socket.events[0] as Buffer;
  // Three frames, each with its size field, back to back.
  let at = 0;
  for (let channel = 0; channel < 3; channel++) {
    expect(chunk.readUInt16BE(at + 6)).toBe(channel);
    at += chunk.readUInt32BE(at);
  }
  expect(at).toBe(chunk.length);
});

it('writes the batch before a large payload written beside its head, and before end()', async () => {
  const { socket, queue, write } = patchedConnection();
  queue(1, Buffer.from('small'));
  write();
  const large = Buffer.alloc(UNCOPIED_PAYLOAD_BYTES, 0x61);
  queue(2, large);
  write();
  queue(3);
  write();
  (socket as unknown as { end(): void }).end();
  expect(socket.events.map((event) => (event === 'end' ? 'end' : event.length))).toEqual([
    expect.any(Number), // the small frame and the large frame's head
    large.length,
    expect.any(Number), // the frame after it
    'end',
  ]);
  const head = socket.events[0] as Buffer;
  const second = head.readUInt32BE(0);
  expect(head.readUInt32BE(second)).toBe(head.length - second + large.length);
  await tick();
  expect(socket.events).toHaveLength(4);
});

import type { Connection } from 'rhea';
import { connectionInternals, type AmqpTransportInternals, type PendingFrame } from './internals';
import { types } from './codec';

/** Payloads from this size on are written beside their frame head, not copied into it. */
export const UNCOPIED_PAYLOAD_BYTES = 16_384;

const AMQP_FRAME = 0;
const ORIGINAL = Symbol('writePayloadsUncopied');
type Patched = AmqpTransportInternals & { [ORIGINAL]: AmqpTransportInternals['write'] };

/**
 * Makes rhea write the frames of `connection` whose payload is at least {@link UNCOPIED_PAYLOAD_BYTES}
 * as two socket writes, the frame head (size, type, channel, performative) and the payload as it is,
 * instead of copying the payload into a buffer that rhea grows from 1 KiB by doubling: a 2 MB reply
 * cost ~4 MB of copies and sat in the socket as a view of a 4 MB buffer (a client that does not read
 * made the broker hold twice what it counts against `maxOutgoingBytes`). A payload that is a view of a
 * buffer at least twice its size is written as an exact copy. The bytes on the wire are the same. Smaller frames go through rhea unchanged. Instance-level; these frames skip rhea's
 * `rhea:frames` / `rhea:raw` debug lines.
 */
export function writePayloadsUncopied(connection: Connection): void {
  const transport = connectionInternals(connection).amqp_transport as Patched;
  transport[ORIGINAL] = transport.write;
  transport.write = uncopiedWrite;
}

function uncopiedWrite(this: Patched, socket: { write(chunk: Buffer): unknown }): void {
  const write = this[ORIGINAL];
  const pending = this.pending;
  if (this.header_sent === undefined || !pending.some(isLarge)) return write.call(this, socket);
  this.pending = [];
  let from = 0;
  for (let i = 0; i < pending.length; i++) {
    const frame = pending[i] as PendingFrame;
    if (!isLarge(frame)) continue;
    if (i > from) {
      // The small frames before it, in order, through rhea.
      this.pending = pending.slice(from, i);
      write.call(this, socket);
    }
    writeLarge(frame, socket);
    from = i + 1;
  }
  this.pending = pending.slice(from);
  write.call(this, socket);
}

function isLarge(frame: PendingFrame): boolean {
  return frame.type === AMQP_FRAME && frame.performative !== undefined && frame.payload !== undefined && frame.payload.length >= UNCOPIED_PAYLOAD_BYTES;
}

/** What rhea's `frames.write_frame` writes for an AMQP frame, with the payload left out of the copy. */
function writeLarge(frame: PendingFrame, socket: { write(chunk: Buffer): unknown }): void {
  const payload = frame.payload as Buffer;
  const writer = new types.Writer() as unknown as HeadWriter;
  writer.skip(4);
  writer.write_uint(2, 1); // doff
  writer.write_uint(frame.type, 1);
  writer.write_uint(frame.channel, 2);
  writer.write(frame.performative);
  const head = writer.toBuffer();
  head.writeUInt32BE(head.length + payload.length, 0);
  socket.write(head);
  // A view of a much larger buffer (rhea's encoder doubles as it goes) is copied out, so that a socket
  // holding it for a slow reader holds its bytes, not twice as many.
  socket.write(payload.buffer.byteLength >= 2 * payload.length ? Buffer.from(payload) : payload);
}

/** The members of rhea's `types.Writer` a frame head needs. */
interface HeadWriter {
  skip(bytes: number): void;
  write_uint(value: number, width: number): void;
  write(value: unknown): void;
  toBuffer(): Buffer;
}

import type { Connection } from 'rhea';
import { types } from './codec';
import { encodeTransfer, TransferPerformative } from './leanOutgoingTransfers';
import { amqpTransport, rheaLog, type OutgoingFrame } from './internals';
import { isWholeOutgoing } from './wholeOutgoing';

/** Frame header: size (4), data offset 2 (in 4-byte words), frame type, channel (2). */
const HEADER_BYTES = 8;
const DATA_OFFSET = 2;

/** Payloads from this size on are written beside their frame head, not copied into it. */
export const UNCOPIED_PAYLOAD_BYTES = 16_384;

/** Up to this many frames, the pending list is emptied in place (kept: a larger one is not held on to). */
const REUSED_PENDING = 64;

/** Shared by every patched connection: a frame is encoded and copied out before the next one. */
const writer = new types.Writer(Buffer.alloc(65_536));

/**
 * Makes rhea encode the AMQP frames of this (server-side) connection in one reused buffer and write a
 * copy of exactly the frame's bytes, instead of a fresh zero-filled 1 KB buffer per frame (rhea's
 * `frames.write_frame`: a transfer, a disposition and a flow each cost one). A frame whose payload is at
 * least {@link UNCOPIED_PAYLOAD_BYTES} is written as two chunks, its head and its payload as it is (an
 * exact copy when the payload is a view of a buffer at least twice its size, unless that buffer holds
 * one whole outgoing message, see `wholeOutgoing.ts`): rhea would copy a 2 MB
 * reply into a buffer it grows by doubling, and a socket holding it for a slow reader would hold ~4 MB
 * against the 2 MB counted towards `maxOutgoingBytes`. The bytes on the wire are rhea's. While rhea's
 * frame logging (`DEBUG=rhea:frames` / `rhea:raw`) is on, or before the protocol header went out,
 * rhea's own write runs. Instance-level: other connections are unaffected.
 */
export function writeFramesInPlace(connection: Connection): void {
  const transport = amqpTransport(connection);
  const write = transport.write;
  transport.write = function (this: typeof transport, socket): void {
    if (!this.header_sent || rheaLog.frames.enabled || rheaLog.raw.enabled) return write.call(this, socket);
    // The same array is emptied and reused: rhea writes after each frame it queues, and a fresh array
    // (or `length = 0`, which drops the backing store) would grow a new 17-slot store for every frame.
    const pending = this.pending;
    try {
      for (let i = 0; i < pending.length; i++) {
        const frame = pending[i]!;
        const payload = frame.payload;
        if (payload === undefined || payload.length < UNCOPIED_PAYLOAD_BYTES || frame.performative === undefined) {
          socket.write(encodeFrame(frame));
          continue;
        }
        socket.write(encodeHead(frame, payload.length));
        socket.write(payload.buffer.byteLength >= 2 * payload.length && !isWholeOutgoing(payload.buffer) ? Buffer.from(payload) : payload);
      }
    } finally {
      if (pending.length > REUSED_PENDING) this.pending = [];
      else while (pending.length > 0) pending.pop();
    }
  };
}

/** rhea's `frames.write_frame` for an AMQP frame, into the shared writer; returns a copy. */
export function encodeFrame(frame: OutgoingFrame): Buffer {
  return encodeHead(frame, 0, frame.payload);
}

/**
 * The frame's header and performative (and `payload`, if given) in the shared writer, returned as a
 * copy; the size field counts `trailingBytes` more, written after it by the caller.
 */
function encodeHead(frame: OutgoingFrame, trailingBytes: number, payload?: Buffer): Buffer {
  writer.position = 0;
  writer.ensure(HEADER_BYTES);
  const header = writer.buffer;
  header[4] = DATA_OFFSET;
  header[5] = frame.type;
  header.writeUInt16BE(frame.channel, 6);
  writer.position = HEADER_BYTES;
  if (frame.performative instanceof TransferPerformative) encodeTransfer(writer, frame.performative);
  else if (frame.performative) writer.write(frame.performative);
  if (frame.performative && payload) writer.write_bytes(payload);
  const size = writer.position;
  writer.buffer.writeUInt32BE(size + trailingBytes, 0);
  return Buffer.from(writer.buffer.subarray(0, size));
}

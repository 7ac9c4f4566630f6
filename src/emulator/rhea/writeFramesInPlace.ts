import type { Connection } from 'rhea';
import { types } from './codec';
import { encodeTransfer, TransferPerformative } from './leanOutgoingTransfers';
import { amqpTransport, rheaLog, type OutgoingFrame } from './internals';

/** Frame header: size (4), data offset 2 (in 4-byte words), frame type, channel (2). */
const HEADER_BYTES = 8;
const DATA_OFFSET = 2;

/** Shared by every patched connection: a frame is encoded and copied out before the next one. */
const writer = new types.Writer(Buffer.alloc(65_536));

/**
 * Makes rhea encode the AMQP frames of this (server-side) connection in one reused buffer and write a
 * copy of exactly the frame's bytes, instead of a fresh zero-filled 1 KB buffer per frame (rhea's
 * `frames.write_frame`: a transfer, a disposition and a flow each cost one). The bytes are the same as
 * rhea's. While rhea's frame logging (`DEBUG=rhea:frames` / `rhea:raw`) is on, or before the protocol
 * header went out, rhea's own write runs. Instance-level: other connections are unaffected.
 */
export function writeFramesInPlace(connection: Connection): void {
  const transport = amqpTransport(connection);
  const write = transport.write;
  transport.write = function (this: typeof transport, socket): void {
    if (!this.header_sent || rheaLog.frames.enabled || rheaLog.raw.enabled) return write.call(this, socket);
    const pending = this.pending;
    this.pending = [];
    for (const frame of pending) socket.write(encodeFrame(frame));
  };
}

/** rhea's `frames.write_frame` for an AMQP frame, into the shared writer; returns a copy. */
export function encodeFrame(frame: OutgoingFrame): Buffer {
  writer.position = 0;
  writer.ensure(HEADER_BYTES);
  const header = writer.buffer;
  header[4] = DATA_OFFSET;
  header[5] = frame.type;
  header.writeUInt16BE(frame.channel, 6);
  writer.position = HEADER_BYTES;
  if (frame.performative instanceof TransferPerformative) {
    encodeTransfer(writer, frame.performative);
    if (frame.payload) writer.write_bytes(frame.payload);
  } else if (frame.performative) {
    writer.write(frame.performative);
    if (frame.payload) writer.write_bytes(frame.payload);
  }
  const size = writer.position;
  writer.buffer.writeUInt32BE(size, 0);
  return Buffer.from(writer.buffer.subarray(0, size));
}

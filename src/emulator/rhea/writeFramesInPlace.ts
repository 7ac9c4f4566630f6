import type { Connection } from 'rhea';
import { types, type Writer } from './codec';
import { DIRECT_TRANSFER, encodeTransfer, encodeTransferFields, TransferPerformative, type DirectTransfer } from './leanOutgoingTransfers';
import { amqpTransport, rheaLog, type OutgoingFrame, type OutputInternals } from './internals';
import { isWholeOutgoing } from './wholeOutgoing';

/** Frame header: size (4), data offset 2 (in 4-byte words), frame type, channel (2). */
const HEADER_BYTES = 8;
const DATA_OFFSET = 2;
/** `frames.TYPE_AMQP`. */
const TYPE_AMQP = 0;

/** Payloads from this size on are written beside their frame head, not copied into it. */
export const UNCOPIED_PAYLOAD_BYTES = 16_384;

/** Up to this many frames, the pending list is emptied in place (kept: a larger one is not held on to). */
const REUSED_PENDING = 64;

/** A connection's frames of one tick start in a batch of this size (grown as rhea's Writer grows). */
const BATCH_BYTES = 16_384;
/** Batches that grew past this are dropped after their flush, not kept for reuse. */
const KEPT_BATCH_BYTES = 262_144;
/** Idle batches kept for the next connection that writes (a connection holds one only within a tick). */
const SPARE_BATCHES = 4;
const spareBatches: Writer[] = [];

/** What the patched write needs of rhea's socket (a `net.Socket`). */
interface FrameSocket {
  write(buffer: Buffer): unknown;
  end?: (...args: unknown[]) => unknown;
  readonly destroyed?: boolean;
  readonly writableEnded?: boolean;
}

/**
 * Makes rhea encode the AMQP frames of this (server-side) connection into one batch per tick and write
 * that batch as one exact-size chunk when the tick's work is done (`process.nextTick`), instead of a
 * fresh zero-filled 1 KB buffer per frame (rhea's `frames.write_frame`: a transfer, a disposition and a
 * flow each cost one) and a socket write per frame. The batch is written before anything else goes to
 * the socket: a frame with a large payload (below), rhea's own write, and the socket's `end()` (patched
 * on the socket instance), so the bytes and their order on the wire are rhea's. A frame whose payload is
 * at least {@link UNCOPIED_PAYLOAD_BYTES} is written as two chunks, its head (with the batch) and its
 * payload as it is (an exact copy when the payload is a view of a buffer at least twice its size, unless
 * that buffer holds one whole outgoing message, see `wholeOutgoing.ts`): rhea would copy a 2 MB reply
 * into a buffer it grows by doubling, and a socket holding it for a slow reader would hold ~4 MB against
 * the 2 MB counted towards `maxOutgoingBytes`. While rhea's frame logging (`DEBUG=rhea:frames` /
 * `rhea:raw`) is on, or before the protocol header went out, rhea's own write runs.
 *
 * rhea's `output()`, which runs after every frame queued, encodes the frame at once and leaves the rest
 * of its work (ending the socket of a closed connection, re-arming the heartbeat timer: a `setTimeout`
 * per frame when the client asked for heartbeats) to one run of rhea's own `output()` after the batch is
 * written; while the connection is closed or failing, rhea's `output()` runs whole each time.
 * Instance-level: other connections are unaffected.
 */
export function writeFramesInPlace(connection: Connection): void {
  const transport = amqpTransport(connection);
  const write = transport.write;
  const c = connection as unknown as OutputInternals;
  const output = c.output;
  let batch: Writer | undefined;
  let out: FrameSocket | undefined;
  let scheduled = false;
  /** rhea's `output()` ran in the fast way since the last flush: its checks are still to run. */
  let outputDue = false;
  const flush = (): void => {
    const frames = batch;
    if (frames === undefined) return;
    batch = undefined;
    const socket = out!;
    if (!socket.destroyed && !socket.writableEnded) {
      // An exact-size copy (not zero-filled first, as Buffer.from's copy of a large buffer is).
      const bytes = frames.buffer;
      const chunk = Buffer.allocUnsafe(frames.position);
      chunk.set(new Uint8Array(bytes.buffer, bytes.byteOffset, frames.position), 0);
      socket.write(chunk);
    }
    frames.position = 0;
    if (frames.buffer.length <= KEPT_BATCH_BYTES && spareBatches.length < SPARE_BATCHES) spareBatches.push(frames);
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(flushAtTickEnd);
  };
  const flushAtTickEnd = (): void => {
    scheduled = false;
    flush();
    if (outputDue) {
      outputDue = false;
      output.call(c);
    }
  };
  const batchFor = (socket: FrameSocket): Writer => {
    if (batch !== undefined) return batch;
    if (out !== socket) {
      out = socket;
      flushBeforeEnd(socket, flush);
    }
    batch = spareBatches.pop() ?? new types.Writer(Buffer.allocUnsafeSlow(BATCH_BYTES));
    schedule();
    return batch;
  };
  transport.write = function (this: typeof transport, socket: FrameSocket): void {
    if (!this.header_sent || rheaLog.frames.enabled || rheaLog.raw.enabled) {
      flush();
      return write.call(this, socket);
    }
    // The same array is emptied and reused: rhea writes after each frame it queues, and a fresh array
    // (or `length = 0`, which drops the backing store) would grow a new 17-slot store for every frame.
    const pending = this.pending;
    try {
      for (let i = 0; i < pending.length; i++) {
        const frame = pending[i]!;
        const payload = frame.payload;
        if (payload === undefined || payload.length < UNCOPIED_PAYLOAD_BYTES || frame.performative === undefined) {
          encodeInto(batchFor(socket), frame, 0, payload);
          continue;
        }
        encodeInto(batchFor(socket), frame, payload.length);
        flush();
        socket.write(payload.buffer.byteLength >= 2 * payload.length && !isWholeOutgoing(payload.buffer) ? Buffer.from(payload) : payload);
      }
    } finally {
      if (pending.length > REUSED_PENDING) this.pending = [];
      else while (pending.length > 0) pending.pop();
    }
  };
  const direct: DirectTransfer = (channel, handle, format, id, tag, settled, more, payload) => {
    if (!c.socket || !c.socket_ready || !transport.header_sent || rheaLog.frames.enabled || rheaLog.raw.enabled) return false;
    if (c.abort_idle || c.transport_error || c.is_closed() || transport.pending.length !== 0) return false;
    if (payload !== undefined && payload.length >= UNCOPIED_PAYLOAD_BYTES) return false;
    const out = batchFor(c.socket as FrameSocket);
    const start = out.position;
    try {
      out.ensure(start + HEADER_BYTES);
      const header = out.buffer;
      header[start + 4] = DATA_OFFSET;
      header[start + 5] = TYPE_AMQP;
      header.writeUInt16BE(channel || 0, start + 6);
      out.position = start + HEADER_BYTES;
      encodeTransferFields(out, handle, format, id, tag, settled, more);
      if (payload !== undefined) out.write_bytes(payload);
      out.buffer.writeUInt32BE(out.position - start, start);
    } catch {
      // Nothing of it stays in the batch; rhea's way reports the failure its own way.
      out.position = start;
      return false;
    }
    // As after rhea's output() of the frame: its checks run once, after the batch is written.
    outputDue = true;
    return true;
  };
  (connection as unknown as { [DIRECT_TRANSFER]?: DirectTransfer })[DIRECT_TRANSFER] = direct;
  c.output = function (this: OutputInternals): void {
    if (!this.socket || !this.socket_ready || !transport.header_sent || this.abort_idle || this.transport_error || this.is_closed()) return output.call(this);
    try {
      this.transport.write(this.socket);
    } catch (error: unknown) {
      // rhea's output() reports the failure its own way (an error event, the socket ended).
      failedOutput(this, output, error);
      return;
    }
    outputDue = true;
    schedule();
  };
}

/** Runs rhea's `output()` on `connection` with a transport whose write throws `error`: rhea's handling of a failed write. */
function failedOutput(connection: OutputInternals, output: () => void, error: unknown): void {
  const transport = connection.transport;
  connection.transport = {
    write(): void {
      throw error;
    },
  };
  try {
    output.call(connection);
  } finally {
    connection.transport = transport;
  }
}

/** Makes `socket.end()` write the connection's batch first (instance-level). */
function flushBeforeEnd(socket: FrameSocket, flush: () => void): void {
  const end = socket.end;
  if (typeof end !== 'function') return;
  socket.end = function (this: FrameSocket, ...args: unknown[]): unknown {
    flush();
    return end.apply(this, args);
  };
}

/** rhea's `frames.write_frame` for an AMQP frame (a copy of the bytes the patched write batches). */
export function encodeFrame(frame: OutgoingFrame): Buffer {
  const out = new types.Writer(Buffer.alloc(1024));
  encodeInto(out, frame, 0, frame.payload);
  return out.buffer.subarray(0, out.position);
}

/**
 * Appends the frame's header and performative (and `payload`, if given) to `out`; the size field
 * counts `trailingBytes` more, written after it by the caller.
 */
function encodeInto(out: Writer, frame: OutgoingFrame, trailingBytes: number, payload?: Buffer): void {
  const start = out.position;
  try {
    out.ensure(start + HEADER_BYTES);
    const header = out.buffer;
    header[start + 4] = DATA_OFFSET;
    header[start + 5] = frame.type;
    header.writeUInt16BE(frame.channel, start + 6);
    out.position = start + HEADER_BYTES;
    if (frame.performative instanceof TransferPerformative) encodeTransfer(out, frame.performative);
    else if (frame.performative) out.write(frame.performative);
    if (frame.performative && payload) out.write_bytes(payload);
    out.buffer.writeUInt32BE(out.position - start + trailingBytes, start);
  } catch (error: unknown) {
    // Nothing of a frame that could not be encoded stays in the batch.
    out.position = start;
    throw error;
  }
}

import type { Connection } from 'rhea';

/** rhea's frame codec (`lib/frames.js`), errors and loggers; its typings omit these modules. */
const rheaFrames = require('rhea/lib/frames.js') as { read_frame(buffer: Buffer): IncomingFrame };
const rheaErrors = require('rhea/lib/errors.js') as { ProtocolError: new (message: string) => Error };
const rheaLog = require('rhea/lib/log.js') as Record<'io' | 'raw' | 'frames', { readonly enabled: boolean }>;

/** A frame as rhea's `frames.read_frame` returns it. */
interface IncomingFrame {
  size: number;
  type: number;
  channel: number;
  performative?: { dispatch(handler: unknown, frame: IncomingFrame): void };
  payload?: Buffer;
}

/** rhea 3.0.5's `Transport` (`transport.js`): the fields its `read` uses. */
interface TransportInternals {
  header_received: unknown;
  read_complete: boolean;
  readonly frame_type: number;
  readonly handler: unknown;
  read(buffer: Buffer): number;
}

/** Frame header: size (4), data offset (1), frame type (1), channel (2). */
const HEADER_BYTES = 8;
/** The AMQP protocol header. */
const PROTOCOL_HEADER_BYTES = 8;
const TYPE_AMQP = 0;
const DESCRIBED = 0x00;
const SMALL_ULONG = 0x53;
const TRANSFER = 0x14;
const LIST8 = 0xc0;
const LIST32 = 0xd0;
const NULL = 0x40;

/**
 * An incoming transfer performative whose fields are the values rhea's accessors would return (rhea's
 * composite keeps typed values and unwraps one on every read; each field is read several times per
 * transfer). Made by {@link readTransfer} only for a transfer whose every field has an encoding rhea's
 * accessors turn into exactly that value (null, uint / smalluint / uint0, vbin8 / vbin32, true / false,
 * ubyte; no delivery state): any other transfer is rhea's composite as before.
 */
export class PlainTransferPerformative {
  handle: number | null | undefined = undefined;
  delivery_id: number | null | undefined = undefined;
  delivery_tag: Buffer | null | undefined = undefined;
  message_format: number | null | undefined = undefined;
  settled: boolean | null | undefined = undefined;
  more: boolean | null | undefined = undefined;
  rcv_settle_mode: number | null | undefined = undefined;
  state: null | undefined = undefined;
  resume: boolean | null | undefined = undefined;
  aborted: boolean | null | undefined = undefined;
  batchable: boolean | null | undefined = undefined;

  /** As rhea's composite: hands the frame to the connection's `on_transfer`. */
  dispatch(target: { on_transfer(frame: IncomingFrame): void }, frame: IncomingFrame): void {
    target.on_transfer(frame);
  }

  /** How rhea names the performative's type (`transfer#14`, as for rhea's composite). */
  static toString(): string {
    return 'transfer#14';
  }
}

/** The transfer's fields, in order, by kind: u(int), b(inary), o (boolean), y (ubyte), s(tate). */
const TRANSFER_FIELDS = 'uubuooysooo';
const TRANSFER_KEYS = ['handle', 'delivery_id', 'delivery_tag', 'message_format', 'settled', 'more', 'rcv_settle_mode', 'state', 'resume', 'aborted', 'batchable'] as const;

/**
 * rhea's `frames.read_frame` for `frame` (one whole frame) when it is an AMQP transfer whose fields
 * {@link PlainTransferPerformative} holds: the same frame (size, type, channel, payload a view of the
 * same bytes) with a plain performative; `undefined` for any other frame.
 */
export function readTransfer(frame: Buffer): IncomingFrame | undefined {
  const size = frame.length;
  if (size < HEADER_BYTES + 6 || frame.readUInt32BE(0) !== size || frame[4] !== 2 || frame[5] !== TYPE_AMQP) return undefined;
  if (frame[HEADER_BYTES] !== DESCRIBED || frame[HEADER_BYTES + 1] !== SMALL_ULONG || frame[HEADER_BYTES + 2] !== TRANSFER) return undefined;
  const list = frame[HEADER_BYTES + 3];
  let at = HEADER_BYTES + 4;
  let count: number;
  if (list === LIST8) {
    count = frame[at + 1]!;
    at += 2;
  } else if (list === LIST32 && size >= at + 8) {
    count = frame.readUInt32BE(at + 4);
    at += 8;
  } else {
    return undefined;
  }
  if (count === 0 || count > TRANSFER_KEYS.length) return undefined;
  const transfer = new PlainTransferPerformative() as unknown as Record<string, unknown>;
  for (let i = 0; i < count; i++) {
    if (at >= size) return undefined;
    const code = frame[at]!;
    let value: unknown;
    if (code === NULL) {
      value = null;
      at += 1;
    } else {
      switch (TRANSFER_FIELDS.charCodeAt(i)) {
        case 0x75: // u: uint
          if (code === 0x43) {
            value = 0;
            at += 1;
          } else if (code === 0x52 && at + 2 <= size) {
            value = frame[at + 1];
            at += 2;
          } else if (code === 0x70 && at + 5 <= size) {
            value = frame.readUInt32BE(at + 1);
            at += 5;
          } else return undefined;
          break;
        case 0x62: {
          // b: binary (rhea's Reader.read_bytes: a view)
          let length: number;
          if (code === 0xa0 && at + 2 <= size) {
            length = frame[at + 1]!;
            at += 2;
          } else if (code === 0xb0 && at + 5 <= size) {
            length = frame.readUInt32BE(at + 1);
            at += 5;
          } else return undefined;
          if (at + length > size) return undefined;
          value = frame.slice(at, at + length);
          at += length;
          break;
        }
        case 0x6f: // o: boolean
          if (code === 0x41) value = true;
          else if (code === 0x42) value = false;
          else return undefined;
          at += 1;
          break;
        case 0x79: // y: ubyte
          if (code !== 0x50 || at + 2 > size) return undefined;
          value = frame[at + 1];
          at += 2;
          break;
        default: // s: a delivery state (rhea's composite)
          return undefined;
      }
    }
    transfer[TRANSFER_KEYS[i]!] = value;
  }
  const read: IncomingFrame = { size, type: TYPE_AMQP, channel: frame.readUInt16BE(6), performative: transfer as unknown as PlainTransferPerformative };
  if (at < size) read.payload = frame.slice(at, size);
  return read;
}

/**
 * Makes rhea read this (client) connection's incoming transfers with {@link readTransfer}: a copy of
 * rhea's `Transport.read` (`transport.js`, its disabled `debug` calls left out) on the connection's AMQP
 * transport, in which a plain transfer gets a {@link PlainTransferPerformative} and every other frame
 * rhea's `frames.read_frame`. rhea's own read takes the protocol header, and every chunk while rhea's
 * `io`, `raw` or `frames` logging is on. Instance-level: other connections are unaffected (and a
 * transport rhea makes anew after a disconnect reads as rhea does).
 */
export function readPlainTransfers(connection: Connection): void {
  const transport = (connection as unknown as { amqp_transport: TransportInternals }).amqp_transport;
  const read = transport.read;
  transport.read = function (this: TransportInternals, buffer: Buffer): number {
    if (!this.header_received || rheaLog.io.enabled || rheaLog.raw.enabled || rheaLog.frames.enabled) {
      if (this.header_received || buffer.length <= PROTOCOL_HEADER_BYTES) return read.call(this, buffer);
      // rhea reads (and checks) the protocol header; the frames that came with it are read below.
      const offset = read.call(this, buffer.subarray(0, PROTOCOL_HEADER_BYTES));
      if (!this.header_received) return offset;
      return offset + this.read(buffer.subarray(offset));
    }
    let offset = 0;
    while (offset < buffer.length - 4 && !this.read_complete) {
      const frameSize = buffer.readUInt32BE(offset);
      if (buffer.length < offset + frameSize) break;
      const slice = buffer.slice(offset, offset + frameSize);
      const frame = readTransfer(slice) ?? rheaFrames.read_frame(slice);
      if (frame.type !== this.frame_type) throw new rheaErrors.ProtocolError('Invalid frame type: ' + frame.type);
      offset += frameSize;
      if (frame.performative) frame.performative.dispatch(this.handler, frame);
    }
    return offset;
  };
}

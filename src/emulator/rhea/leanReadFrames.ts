import type { Connection } from 'rhea';
import { amqpTransport, RheaReaderBase, rheaErrors, rheaFrames, rheaLog, rheaTypeCodes, type IncomingFrame } from './internals';

/** Frame header: size (4), data offset (1), frame type (1), channel (2). */
const HEADER_BYTES = 8;
/** The AMQP protocol header: 'AMQP', protocol id, major, minor, revision. */
const PROTOCOL_HEADER_BYTES = 8;
/** The AMQP frame type (`frames.TYPE_AMQP`). */
const TYPE_AMQP = 0;
/** A described value's constructor, then `smallulong` (the performative's numeric descriptor). */
const DESCRIBED = 0x00;
const SMALL_ULONG = 0x53;
const LIST8 = 0xc0;
const LIST32 = 0xd0;

/** rhea's composite constructors of the frequent incoming performatives, by descriptor code (a client may open thousands of sessions and links). */
const leanPerformatives: (PerformativeConstructor | undefined)[] = [];
for (const name of ['flow', 'transfer', 'disposition', 'begin', 'attach', 'detach', 'end'] as const) {
  const c = rheaFrames[name]({}).constructor as PerformativeConstructor;
  leanPerformatives[c.descriptor.numeric] = c;
}

/** The transfer performative's descriptor code. */
const TRANSFER = 0x14;
const NULL = 0x40;

/**
 * An incoming transfer performative whose fields are the values rhea's accessors would return (rhea's
 * composite keeps typed values and unwraps one on every read; each field is read several times per
 * transfer). Made by {@link readFrame} only for a transfer whose every field has an encoding rhea's
 * accessors turn into exactly that value (null, a uint / smalluint / uint0, a vbin8 / vbin32, true / false,
 * a ubyte; no delivery state): any other transfer is rhea's composite as before.
 */
export class IncomingTransferPerformative {
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

  /** As rhea's composite: hands the frame to the session's `on_transfer`. */
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
 * The transfer whose `count` fields start at `position` in `buffer` (a whole frame), with its payload,
 * when every field is of an encoding {@link IncomingTransferPerformative} holds; else `undefined`.
 */
function readTransfer(buffer: Buffer, position: number, count: number): IncomingFrame | undefined {
  if (count === 0 || count > TRANSFER_KEYS.length) return undefined;
  const size = buffer.length;
  const transfer = new IncomingTransferPerformative() as unknown as Record<string, unknown>;
  let at = position;
  for (let i = 0; i < count; i++) {
    if (at >= size) return undefined;
    const code = buffer[at]!;
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
            value = buffer[at + 1];
            at += 2;
          } else if (code === 0x70 && at + 5 <= size) {
            value = buffer.readUInt32BE(at + 1);
            at += 5;
          } else return undefined;
          break;
        case 0x62: {
          // b: binary (rhea's Reader.read_bytes: a view)
          let length: number;
          if (code === 0xa0 && at + 2 <= size) {
            length = buffer[at + 1]!;
            at += 2;
          } else if (code === 0xb0 && at + 5 <= size) {
            length = buffer.readUInt32BE(at + 1);
            at += 5;
          } else return undefined;
          if (at + length > size) return undefined;
          value = buffer.slice(at, at + length);
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
          value = buffer[at + 1];
          at += 2;
          break;
        default: // s: a delivery state (rhea's composite)
          return undefined;
      }
    }
    transfer[TRANSFER_KEYS[i]!] = value;
  }
  const performative = transfer as unknown as IncomingTransferPerformative;
  const channel = buffer.readUInt16BE(6);
  // rhea's frame has a `payload` only when there is one; made with its fields at once (adding one grows a property store).
  return at < size ? { size, type: TYPE_AMQP, channel, performative, payload: buffer.slice(at, size) } : { size, type: TYPE_AMQP, channel, performative };
}

interface PerformativeConstructor {
  new (fields: unknown[]): { dispatch(handler: unknown, frame: IncomingFrame): void };
  descriptor: { numeric: number };
}

/**
 * rhea's `frames.read_frame` for an AMQP `flow` / `transfer` / `disposition` / `begin` / `attach` / `detach` / `end` (list8 / list32 of fields,
 * standard data offset): the same frame, the same performative (rhea's class over the same typed
 * field values, each read by rhea's `Reader`), without the generic path's per-value constructor objects,
 * the performative's descriptor and list wrappers, and the descriptor lookup by string. Every other
 * frame goes to rhea's `read_frame`.
 */
export function readFrame(buffer: Buffer): IncomingFrame {
  const size = buffer.length;
  if (
    size < HEADER_BYTES + 6 ||
    buffer.readUInt32BE(0) !== size ||
    buffer[4] !== 2 ||
    buffer[5] !== TYPE_AMQP ||
    buffer[HEADER_BYTES] !== DESCRIBED ||
    buffer[HEADER_BYTES + 1] !== SMALL_ULONG
  ) {
    return rheaFrames.read_frame(buffer);
  }
  const c = leanPerformatives[buffer[HEADER_BYTES + 2] as number];
  const list = buffer[HEADER_BYTES + 3];
  if (c === undefined || (list !== LIST8 && list !== LIST32)) return rheaFrames.read_frame(buffer);
  let position = HEADER_BYTES + 4;
  let count: number;
  if (list === LIST8) {
    count = buffer[position + 1] as number;
    position += 2;
  } else {
    if (size < position + 8) return rheaFrames.read_frame(buffer);
    count = buffer.readUInt32BE(position + 4);
    position += 8;
  }
  if (buffer[HEADER_BYTES + 2] === TRANSFER) {
    const transfer = readTransfer(buffer, position, count);
    if (transfer !== undefined) return transfer;
  }
  const reader = new RheaReaderBase(buffer);
  reader.position = position;
  const fields = new Array<unknown>(count);
  for (let i = 0; i < count; i++) {
    // rhea's `Reader.read` for a value without a descriptor is `read_value` of its typecode's type.
    const code = buffer[reader.position];
    const type = code === DESCRIBED || code === undefined ? undefined : rheaTypeCodes[code];
    if (type === undefined) {
      fields[i] = reader.read();
    } else {
      reader.position++;
      fields[i] = reader.read_value(type);
    }
  }
  const frame: IncomingFrame = { size, type: TYPE_AMQP, channel: buffer.readUInt16BE(6), performative: new c(fields) };
  if (reader.position < size) frame.payload = reader.read_bytes(size - reader.position);
  return frame;
}

/**
 * Makes rhea read the AMQP frames of this (server-side) connection with `readFrame` (a copy of rhea's
 * `Transport.read`, `transport.js`, with its disabled `debug` calls left out). rhea's own read takes the
 * protocol header, and every chunk while rhea's `io`, `raw` or `frames` logging is on.
 * Instance-level: other connections are unaffected.
 */
export function leanReadFrames(connection: Connection): void {
  const transport = amqpTransport(connection);
  const read = transport.read;
  transport.read = function (this: typeof transport, buffer: Buffer): number {
    if (rheaLog.io.enabled || rheaLog.raw.enabled || rheaLog.frames.enabled) return read.call(this, buffer);
    let offset = 0;
    if (!this.header_received) {
      // rhea reads (and checks) the protocol header; the frames that came with it are read here (a
      // client may send its header and all its frames at once: they would all take rhea's generic path).
      if (buffer.length <= PROTOCOL_HEADER_BYTES) return read.call(this, buffer);
      offset = read.call(this, buffer.subarray(0, PROTOCOL_HEADER_BYTES));
      if (!this.header_received) return offset;
    }
    while (offset < buffer.length - 4 && !this.read_complete) {
      const frameSize = buffer.readUInt32BE(offset);
      if (buffer.length < offset + frameSize) break;
      const frame = readFrame(buffer.subarray(offset, offset + frameSize));
      if (frame.type !== this.frame_type) throw new rheaErrors.ProtocolError('Invalid frame type: ' + frame.type);
      offset += frameSize;
      if (frame.performative) frame.performative.dispatch(this.handler, frame);
    }
    return offset;
  };
}

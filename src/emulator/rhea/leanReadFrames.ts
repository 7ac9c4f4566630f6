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

/** rhea's composite constructors of the frequent incoming performatives, by descriptor code. */
const leanPerformatives: (PerformativeConstructor | undefined)[] = [];
for (const name of ['flow', 'transfer', 'disposition'] as const) {
  const c = rheaFrames[name]({}).constructor as PerformativeConstructor;
  leanPerformatives[c.descriptor.numeric] = c;
}

interface PerformativeConstructor {
  new (fields: unknown[]): { dispatch(handler: unknown, frame: IncomingFrame): void };
  descriptor: { numeric: number };
}

/**
 * rhea's `frames.read_frame` for an AMQP `flow` / `transfer` / `disposition` (list8 / list32 of fields,
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

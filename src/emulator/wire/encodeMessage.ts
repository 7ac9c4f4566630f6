import { types, type Typed } from '../rhea/codec';
import { markWholeOutgoing } from '../rhea/wholeOutgoing';
import type { MessageContent } from './MessageContent';

/** Broker-owned annotations of one delivery (section 3.4 of the protocol doc). */
export interface BrokerAnnotations {
  readonly sequenceNumber: number;
  readonly enqueuedAt: number;
  readonly deliveryCount: number;
  /** Lock expiry (peekLock deliveries and locked management receives). */
  readonly lockedUntil?: number | undefined;
  /** `x-opt-message-state`: 0 active, 1 deferred, 2 scheduled; omitted when 0. */
  readonly state?: number | undefined;
  readonly deadLetterSource?: string | undefined;
  readonly enqueueSequenceNumber?: number | undefined;
}

/** The bytes rhea's Writer produces for a value, computed once. */
const encoded = (value: Typed): Buffer => {
  const w = new types.Writer();
  w.write(value);
  return Buffer.from(w.toBuffer());
};

const KEY_SEQUENCE_NUMBER = encoded(types.wrap_symbol('x-opt-sequence-number'));
const KEY_ENQUEUED_TIME = encoded(types.wrap_symbol('x-opt-enqueued-time'));
const KEY_LOCKED_UNTIL = encoded(types.wrap_symbol('x-opt-locked-until'));
const KEY_MESSAGE_STATE = encoded(types.wrap_symbol('x-opt-message-state'));
const KEY_DEADLETTER_SOURCE = encoded(types.wrap_symbol('x-opt-deadletter-source'));
const KEY_ENQUEUE_SEQUENCE_NUMBER = encoded(types.wrap_symbol('x-opt-enqueue-sequence-number'));
/** `00 53 70 d0`: described(smallulong header) list32. */
const HEADER_START = Buffer.from([0x00, 0x53, 0x70, 0xd0]);
/** `00 53 72 d1`: described(smallulong message-annotations) map32. */
const ANNOTATIONS_START = Buffer.from([0x00, 0x53, 0x72, 0xd1]);
const NULL = 0x40;
const MAX_UINT = 4294967296;

/** Reused between calls: the encoded head is copied out before the function returns. */
const writer = new types.Writer(Buffer.alloc(4096));

/**
 * Encodes a stored message for the wire: a fresh header (with the delivery count), the message
 * annotations plus the broker's, then the bare message bytes exactly as received. Only the head is
 * encoded per delivery, and the broker's part of it directly (its keys pre-encoded); the client's
 * header fields and annotations go through rhea's Writer; the body is copied, never re-encoded. The
 * bytes are those rhea's Writer produces for the same typed values (test/emulator/encodeMessage.test.ts).
 */
export function encodeMessage(content: MessageContent, broker: BrokerAnnotations, lockedUntil = broker.lockedUntil): Buffer {
  const headLength = writeHead(content, broker, lockedUntil);
  const head = writer.buffer;
  const out = Buffer.allocUnsafe(headLength + content.bare.length);
  // TypedArray#set: Buffer#copy's argument checks cost more than these copies.
  out.set(new Uint8Array(head.buffer, head.byteOffset, headLength), 0);
  out.set(content.bare, headLength);
  return markWholeOutgoing(out);
}

/** The head {@link encodeMessage} puts before the bare message (header and message annotations), in a buffer of its own. */
export function encodeMessageHead(content: MessageContent, broker: BrokerAnnotations, lockedUntil = broker.lockedUntil): Buffer {
  const headLength = writeHead(content, broker, lockedUntil);
  return Buffer.from(writer.buffer.subarray(0, headLength));
}

/** Writes the head of `content` for `broker` (locked until `lockedUntil`, if given) into `writer` from 0; returns its length. */
function writeHead(content: MessageContent, broker: BrokerAnnotations, lockedUntil: number | undefined): number {
  const { header, annotations } = content;
  writer.position = 0;
  // header: list32 of durable, priority, ttl, first-acquirer (as received) and the delivery count.
  putBytes(HEADER_START);
  const headerSize = skip(4);
  putUint32(5);
  putTypedOrNull(header.durable);
  putTypedOrNull(header.priority);
  putTypedOrNull(header.ttl);
  putTypedOrNull(header.firstAcquirer);
  putUint(broker.deliveryCount);
  backfill(headerSize);
  // message-annotations: map32 of the client's entries, then the broker's.
  putBytes(ANNOTATIONS_START);
  const annotationsSize = skip(4);
  const annotationsCount = skip(4);
  for (const item of annotations) writer.write(item);
  let entries = annotations.length + 4;
  putBytes(KEY_SEQUENCE_NUMBER);
  putLong(broker.sequenceNumber);
  putBytes(KEY_ENQUEUED_TIME);
  putTimestamp(broker.enqueuedAt);
  if (lockedUntil !== undefined) {
    putBytes(KEY_LOCKED_UNTIL);
    putTimestamp(lockedUntil);
    entries += 2;
  }
  if (broker.state) {
    putBytes(KEY_MESSAGE_STATE);
    putInt(broker.state);
    entries += 2;
  }
  if (broker.deadLetterSource !== undefined) {
    putBytes(KEY_DEADLETTER_SOURCE);
    putString(broker.deadLetterSource);
    entries += 2;
  }
  if (broker.enqueueSequenceNumber !== undefined) {
    putBytes(KEY_ENQUEUE_SEQUENCE_NUMBER);
    putLong(broker.enqueueSequenceNumber);
    entries += 2;
  }
  writer.buffer.writeUInt32BE(entries, annotationsCount);
  backfill(annotationsSize);
  return writer.position;
}

/** Reserves `n` bytes and returns their offset. */
function skip(n: number): number {
  const at = writer.position;
  writer.ensure(at + n);
  writer.position = at + n;
  return at;
}

/** Fills a compound's 4-byte size field at `at`: the bytes after it. */
function backfill(at: number): void {
  writer.buffer.writeUInt32BE(writer.position - at - 4, at);
}

// Each put reserves its bytes (skip) before reading writer.buffer: reserving may replace the buffer.
function putBytes(bytes: Buffer): void {
  const at = skip(bytes.length);
  writer.buffer.set(bytes, at);
}

function putByte(value: number): void {
  const at = skip(1);
  writer.buffer[at] = value;
}

function putUint32(value: number): void {
  const at = skip(4);
  writer.buffer.writeUInt32BE(value, at);
}

function putTypedOrNull(value: Typed | null): void {
  if (value === null) putByte(NULL);
  else writer.write(value);
}

/** rhea's `wrap_uint`: uint0, smalluint or uint. */
function putUint(value: number): void {
  if (value === 0) putByte(0x43);
  else if (value > 255) {
    putByte(0x70);
    putUint32(value);
  } else {
    putByte(0x52);
    putByte(value);
  }
}

/** rhea's `wrap_int`: smallint or int. */
function putInt(value: number): void {
  if (value > 127 || value < -128) {
    putByte(0x71);
    const at = skip(4);
    writer.buffer.writeInt32BE(value, at);
  } else {
    putByte(0x54);
    const at = skip(1);
    writer.buffer.writeInt8(value, at);
  }
}

/** rhea's `wrap_long` of a number: smalllong or long. */
function putLong(value: number): void {
  if (value > 127 || value < -128) {
    putByte(0x81);
    put64(value);
  } else {
    putByte(0x55);
    const at = skip(1);
    writer.buffer.writeInt8(value, at);
  }
}

/** rhea's `wrap_timestamp` of a number. */
function putTimestamp(value: number): void {
  putByte(0x83);
  put64(value);
}

/** rhea's `write_long` of a number (types.js), byte for byte. */
function put64(value: number): void {
  const at = skip(8);
  const buffer = writer.buffer;
  const abs = Math.abs(value);
  buffer.writeInt32BE(Math.floor(abs / MAX_UINT), at);
  buffer.writeUInt32BE(abs % MAX_UINT, at + 4);
  if (value < 0) {
    let carry = 1;
    for (let i = 7; i >= 0; i--) {
      const v = (buffer[at + i]! ^ 0xff) + carry;
      buffer[at + i] = v & 0xff;
      carry = v >> 8;
    }
  }
}

/** rhea's `wrap_string`: str8 or str32 (UTF-8). */
function putString(value: string): void {
  const length = Buffer.byteLength(value);
  if (length > 255) {
    putByte(0xb1);
    putUint32(length);
  } else {
    putByte(0xa1);
    putByte(length);
  }
  const at = skip(length);
  writer.buffer.write(value, at, length, 'utf8');
}

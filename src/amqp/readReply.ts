/**
 * What {@link readReply} reads from a request/response reply's bytes: just enough to route it and to
 * tell success from failure without decoding it.
 */
export class ReplyHead {
  constructor(
    /** The `correlation-id` (a string: this client's request ids are strings). */
    readonly correlationId: string,
    /** `statusCode`, else `status-code`. */
    readonly status: number,
    /** Byte offset of the `amqp-value` body section (its `0x00 0x53 0x77` descriptor). */
    readonly bodyAt: number,
    /** Where the correlation id's UTF-8 bytes start and end. */
    readonly idAt: number,
    readonly idEnd: number,
  ) {}
}

const DESCRIBED = 0x00;
const SMALLULONG = 0x53;
const LIST0 = 0x45;
const LIST8 = 0xc0;
const MAP8 = 0xc1;
const LIST32 = 0xd0;
const MAP32 = 0xd1;
const TIMESTAMP = 0x83;
/** Message section descriptors (AMQP 1.0 §3.2). */
const FIRST_SECTION = 0x70;
const PROPERTIES = 0x73;
const APPLICATION_PROPERTIES = 0x74;
const DATA = 0x75;
const SEQUENCE = 0x76;
const AMQP_VALUE = 0x77;
const LAST_SECTION = 0x78;
/** Index of `correlation-id` in the properties list. */
const CORRELATION_ID = 5;

/**
 * Reads a reply's `correlation-id`, status and body position straight from its encoded bytes (AMQP 1.0
 * sections), allocating nothing but the id string. A bounded walk: every value must end inside its
 * section, list or map, and anything outside the plain form this client's peers send — a correlation id
 * that is not a string, a status that is not an int-family number, no body or a data/sequence body, a
 * malformed section — gives `undefined`, and the caller decodes the reply with rhea as before.
 */
export function readReply(bytes: Buffer): ReplyHead | undefined {
  const end = bytes.length;
  let at = 0;
  let correlationId: string | undefined;
  let idAt = -1;
  let statusCode: number | undefined;
  let statusDash: number | undefined;
  let bodyAt = -1;
  while (at < end) {
    if (end - at < 4 || bytes[at] !== DESCRIBED || bytes[at + 1] !== SMALLULONG) return undefined;
    const code = bytes[at + 2]!;
    if (code < FIRST_SECTION || code > LAST_SECTION || code === DATA || code === SEQUENCE) return undefined;
    const valueAt = at + 3;
    const next = skipPlain(bytes, valueAt, end);
    if (next < 0) return undefined;
    if (code === PROPERTIES) {
      const list = compound(bytes, valueAt, next, false);
      if (list === undefined) return undefined;
      let item = list.first;
      for (let i = 0; i < CORRELATION_ID && i < list.count && item >= 0; i++) item = skipValue(bytes, item, next);
      // A list that ends before `correlation-id`, or holds another type there: not this client's reply form.
      if (list.count <= CORRELATION_ID || item < 0 || skipValue(bytes, item, next) < 0) return undefined;
      correlationId = readString(bytes, item, false);
      idAt = item;
    } else if (code === APPLICATION_PROPERTIES) {
      const map = compound(bytes, valueAt, next, true);
      // An odd count is a key without its value: malformed, so rhea decides.
      if (map === undefined || map.count % 2 !== 0) return undefined;
      let entry = map.first;
      for (let i = 0; i < map.count; i += 2) {
        const value = skipValue(bytes, entry, next);
        const after = value < 0 ? -1 : skipValue(bytes, value, next);
        if (after < 0) return undefined;
        const key = readString(bytes, entry, true);
        if (key === 'statusCode' || key === 'status-code') {
          const status = readInt(bytes, value);
          if (status === undefined) return undefined;
          if (key === 'statusCode') statusCode = status;
          else statusDash = status;
        }
        entry = after;
      }
    } else if (code === AMQP_VALUE) {
      bodyAt = at;
    }
    at = next;
  }
  const status = statusCode ?? statusDash;
  if (correlationId === undefined || status === undefined || bodyAt < 0) return undefined;
  const str8 = bytes[idAt] === 0xa1;
  const content = idAt + (str8 ? 2 : 5);
  return new ReplyHead(correlationId, status, bodyAt, content, content + (str8 ? bytes[idAt + 1]! : bytes.readUInt32BE(idAt + 1)));
}

/**
 * The timestamp under the string or symbol key `key` in the map of the `amqp-value` body section at
 * `bodyAt` (from {@link readReply}; the last such entry, as a decoded map keeps it), as a Date;
 * `undefined` when the body is not a map, holds no such key, or its value is not a timestamp.
 */
export function readBodyTimestamp(bytes: Buffer, bodyAt: number, key: string): Date | undefined {
  const at = bodyTimestampAt(bytes, bodyAt, key);
  return at < 0 ? undefined : timestampAt(bytes, at);
}

/** Where the 8 bytes of the timestamp {@link readBodyTimestamp} reads start; -1 when it reads none. */
export function bodyTimestampAt(bytes: Buffer, bodyAt: number, key: string): number {
  const valueAt = bodyAt + 3;
  const end = skipPlain(bytes, valueAt, bytes.length);
  const map = end < 0 ? undefined : compound(bytes, valueAt, end, true);
  if (map === undefined || map.count % 2 !== 0) return -1;
  let found = -1;
  let entry = map.first;
  for (let i = 0; i < map.count; i += 2) {
    const value = skipValue(bytes, entry, end);
    const after = value < 0 ? -1 : skipValue(bytes, value, end);
    if (after < 0) return -1;
    if (readString(bytes, entry, true) === key) found = bytes[value] === TIMESTAMP ? value + 1 : -1;
    entry = after;
  }
  return found;
}

/** The timestamp whose 8 bytes start at `at` (from {@link bodyTimestampAt}), as a Date. */
export function timestampAt(bytes: Buffer, at: number): Date {
  return new Date(Number(bytes.readBigInt64BE(at)));
}

/** A list's or map's first element, element count (a map counts keys and values). */
interface Compound {
  readonly first: number;
  readonly count: number;
}

/** The list (or map, with `map`) at `at`, whose extent ends at `end` (from {@link skipPlain}); `undefined` for another type. */
function compound(bytes: Buffer, at: number, end: number, map: boolean): Compound | undefined {
  const type = bytes[at];
  if (!map && type === LIST0) return { first: at + 1, count: 0 };
  if (type === (map ? MAP8 : LIST8)) return at + 3 <= end ? { first: at + 3, count: bytes[at + 2]! } : undefined;
  if (type === (map ? MAP32 : LIST32)) return at + 9 <= end ? { first: at + 9, count: bytes.readUInt32BE(at + 5) } : undefined;
  return undefined;
}

/** The string (`str8`/`str32`, or also `sym8`/`sym32` with `symbols`) at `at`, whose extent was checked; else `undefined`. */
function readString(bytes: Buffer, at: number, symbols: boolean): string | undefined {
  const type = bytes[at];
  if (type === 0xa1 || (symbols && type === 0xa3)) return bytes.toString(type === 0xa1 ? 'utf8' : 'ascii', at + 2, at + 2 + bytes[at + 1]!);
  if (type === 0xb1 || (symbols && type === 0xb3)) return bytes.toString(type === 0xb1 ? 'utf8' : 'ascii', at + 5, at + 5 + bytes.readUInt32BE(at + 1));
  return undefined;
}

/** The int-family number (byte … uint, not 64-bit) at `at`, whose extent was checked; else `undefined`. */
function readInt(bytes: Buffer, at: number): number | undefined {
  switch (bytes[at]) {
    case 0x71:
      return bytes.readInt32BE(at + 1);
    case 0x70:
      return bytes.readUInt32BE(at + 1);
    case 0x54:
    case 0x51:
      return bytes.readInt8(at + 1);
    case 0x52:
    case 0x50:
      return bytes[at + 1];
    case 0x43:
      return 0;
    case 0x60:
      return bytes.readUInt16BE(at + 1);
    case 0x61:
      return bytes.readInt16BE(at + 1);
    default:
      return undefined;
  }
}

/**
 * Offset just past the value at `at` (a described value: its descriptor and value), or -1 when it does
 * not end by `end`. The width follows from the constructor's category (AMQP 1.0 §1.6: the high nibble
 * gives fixed widths 0/1/2/4/8/16 or a 1- or 4-byte size). A descriptor is itself not described.
 */
function skipValue(bytes: Buffer, at: number, end: number): number {
  if (at < end && bytes[at] === DESCRIBED) {
    at = skipPlain(bytes, at + 1, end);
    if (at < 0) return -1;
  }
  return skipPlain(bytes, at, end);
}

/** {@link skipValue} for a value that is not described. */
function skipPlain(bytes: Buffer, at: number, end: number): number {
  if (at >= end) return -1;
  let next: number;
  switch (bytes[at]! >> 4) {
    case 0x4:
      next = at + 1;
      break;
    case 0x5:
      next = at + 2;
      break;
    case 0x6:
      next = at + 3;
      break;
    case 0x7:
      next = at + 5;
      break;
    case 0x8:
      next = at + 9;
      break;
    case 0x9:
      next = at + 17;
      break;
    case 0xa:
    case 0xc:
    case 0xe:
      next = at + 2 <= end ? at + 2 + bytes[at + 1]! : -1;
      break;
    case 0xb:
    case 0xd:
    case 0xf:
      next = at + 5 <= end ? at + 5 + bytes.readUInt32BE(at + 1) : -1;
      break;
    default:
      return -1;
  }
  return next > end ? -1 : next;
}

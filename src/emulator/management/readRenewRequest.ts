import { DEFAULT_DECODE_LIMITS } from '../rhea/BoundedReader';
import { RenewRequest } from './RenewRequest';

const STR8 = 0xa1;
const STR32 = 0xb1;
const LIST8 = 0xc0;
const LIST32 = 0xd0;
const MAP8 = 0xc1;
const MAP32 = 0xd1;
/** `00 53 xx`: a section described by smallulong `xx`. */
const HEADER = 0x70;
const PROPERTIES = 0x73;
const APPLICATION_PROPERTIES = 0x74;
const AMQP_VALUE = 0x77;
const LIST0 = 0x45;
/** The properties list has 13 fields; `message-id` is the first, `reply-to` the fifth. */
const PROPERTY_FIELDS = 13;
const REPLY_TO_FIELD = 4;

const OPERATION = Buffer.from('com.microsoft:renew-session-lock');
const OPERATION_KEY = Buffer.from('operation');
const LINK_NAME_KEY = Buffer.from('associated-link-name');
const SESSION_ID_KEY = Buffer.from('session-id');

/**
 * Bytes after each typecode of a scalar the reader steps over (a field it does not use): fixed widths;
 * {@link SIZED8} / {@link SIZED32} for binaries, strings and symbols (a 1- or 4-byte size, then the bytes);
 * -1 for every other code (described values, compounds, floats, decimals, chars, unknown codes).
 */
const SIZED8 = -2;
const SIZED32 = -3;
const SCALAR = new Int8Array(256).fill(-1);
for (const code of [0x40, 0x41, 0x42, 0x43, 0x44]) SCALAR[code] = 0; // null, true, false, uint0, ulong0
for (const code of [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56]) SCALAR[code] = 1; // ubyte, byte, smalluint, smallulong, smallint, smalllong, boolean
for (const code of [0x60, 0x61]) SCALAR[code] = 2; // ushort, short
for (const code of [0x70, 0x71]) SCALAR[code] = 4; // uint, int
for (const code of [0x80, 0x81, 0x83]) SCALAR[code] = 8; // ulong, long, timestamp
SCALAR[0x98] = 16; // uuid
for (const code of [0xa0, STR8, 0xa3]) SCALAR[code] = SIZED8; // vbin8, str8, sym8
for (const code of [0xb0, STR32, 0xb3]) SCALAR[code] = SIZED32; // vbin32, str32, sym32

/**
 * Where a request's strings lie, found by reading one request in full: the bytes every request of this
 * layout shares (all but the strings' contents: typecodes, sizes, counts, keys, the operation, other
 * scalars) and the contents' ranges. A request with the same length and the same shared bytes has the
 * same structure, so it is read from the same ranges without walking it again: a client's requests
 * differ only in their ids (until an id's length changes).
 */
class Layout {
  constructor(
    /** A copy of the request the layout was found in. */
    private readonly bytes: Buffer,
    /** `[start, end)` pairs of the shared bytes. */
    private readonly shared: readonly number[],
    /** `[start, end)` of the contents of message-id, reply-to, associated-link-name (-1, -1: none), session-id. */
    private readonly fields: readonly number[],
  ) {}

  /** True when `b` is laid out as this layout's request. */
  matches(b: Buffer): boolean {
    const bytes = this.bytes;
    if (b.length !== bytes.length) return false;
    const shared = this.shared;
    for (let i = 0; i < shared.length; i += 2) {
      for (let at = shared[i]!, stop = shared[i + 1]!; at < stop; at++) if (b[at] !== bytes[at]) return false;
    }
    return true;
  }

  /** The request in `b` (a request this layout {@link matches}). */
  read(b: Buffer): RenewRequest {
    const f = this.fields;
    return new RenewRequest(utf8(b, f[0]!, f[1]!), utf8(b, f[2]!, f[3]!), utf8(b, f[6]!, f[7]!), f[4]! < 0 ? undefined : utf8(b, f[4]!, f[5]!));
  }
}

/** `b[start, end)` as rhea decodes a string's contents. */
function utf8(b: Buffer, start: number, end: number): string {
  return b.toString('utf8', start, end);
}

/** The layout of the last request read (consecutive requests nearly always share one). */
let last: Layout | undefined;

/**
 * Reads a `renew-session-lock` request from its encoded bytes — only the shape a client's request has:
 * an optional empty header, properties (a string `message-id` and `reply-to`, scalars elsewhere),
 * application properties (string keys; `operation` the renew, an optional string `associated-link-name`,
 * scalars elsewhere) and an `amqp-value` map body (string keys, a string `session-id`, scalars elsewhere),
 * nothing after it, every size and count consistent. `undefined` for anything else — another operation,
 * other sections or types, duplicate keys that matter, malformed or truncated bytes: such a request is
 * decoded by rhea (through the bounded codec) and handled as any other. What is read here is what rhea's
 * decoder gives for the same bytes (test/emulator/readRenewRequest.test.ts). A request laid out as the
 * previous one is read from the same places ({@link Layout}).
 */
export function readRenewRequest(b: Buffer): RenewRequest | undefined {
  const known = last;
  const layout = known !== undefined && known.matches(b) ? known : layoutOf(b);
  if (layout === undefined) return undefined;
  last = layout;
  return layout.read(b);
}

/**
 * The offset just past the value the last helper read, and past the size of the last compound's
 * header; the `[start, end)` of each string's contents read so far (module state: a read runs to
 * completion, synchronously).
 */
let next = 0;
let end = 0;
let strings: number[] = [];

/** Walks `b` in full: the layout of the request it holds, or `undefined` when it holds none ({@link readRenewRequest}). */
function layoutOf(b: Buffer): Layout | undefined {
  // Bytes within the bounded decoder's element limit (each value takes a byte): it would accept them too.
  if (b.length > DEFAULT_DECODE_LIMITS.maxElements) return undefined;
  strings = [];
  const fields = [-1, -1, -1, -1, -1, -1, -1, -1];
  let at = 0;
  if (isSection(b, 0, HEADER) && b[3] === LIST0) at = 4;
  // properties
  if (!isSection(b, at, PROPERTIES)) return undefined;
  let count = compound(b, at + 3, LIST8, LIST32);
  if (count < 0 || count <= REPLY_TO_FIELD || count > PROPERTY_FIELDS) return undefined;
  let sectionEnd = end;
  if (!field(b, next, fields, 0)) return undefined;
  at = next;
  for (let index = 1; index < REPLY_TO_FIELD; index++) if ((at = skipScalar(b, at)) < 0) return undefined;
  if (!field(b, at, fields, 2)) return undefined;
  at = next;
  for (let index = REPLY_TO_FIELD + 1; index < count; index++) if ((at = skipScalar(b, at)) < 0) return undefined;
  if (at !== sectionEnd) return undefined;
  // application-properties
  if (!isSection(b, at, APPLICATION_PROPERTIES)) return undefined;
  count = compound(b, at + 3, MAP8, MAP32);
  if (count < 0 || count % 2 !== 0) return undefined;
  sectionEnd = end;
  at = next;
  let renew = false;
  for (let entry = 0; entry < count; entry += 2) {
    const key = stringAt(b, at);
    if (key < 0) return undefined;
    const keyEnd = (at = next);
    if (equals(b, key, keyEnd, OPERATION_KEY)) {
      const start = stringAt(b, at);
      if (renew || start < 0 || !equals(b, start, next, OPERATION)) return undefined;
      renew = true;
      at = next;
    } else if (equals(b, key, keyEnd, LINK_NAME_KEY)) {
      if (fields[4]! >= 0 || !field(b, at, fields, 4)) return undefined;
      at = next;
    } else if ((at = skipScalar(b, at)) < 0) return undefined;
  }
  if (!renew || at !== sectionEnd) return undefined;
  // body: amqp-value, a map
  if (!isSection(b, at, AMQP_VALUE)) return undefined;
  count = compound(b, at + 3, MAP8, MAP32);
  if (count < 0 || count % 2 !== 0) return undefined;
  sectionEnd = end;
  at = next;
  for (let entry = 0; entry < count; entry += 2) {
    const key = stringAt(b, at);
    if (key < 0) return undefined;
    const keyEnd = (at = next);
    if (equals(b, key, keyEnd, SESSION_ID_KEY)) {
      if (fields[6]! >= 0 || !field(b, at, fields, 6)) return undefined;
      at = next;
    } else if ((at = skipScalar(b, at)) < 0) return undefined;
  }
  if (fields[6]! < 0 || at !== sectionEnd || at !== b.length) return undefined;
  // Shared: everything around the strings' contents (in order: the walk is sequential).
  const shared: number[] = [0];
  for (const offset of strings) shared.push(offset);
  shared.push(b.length);
  return new Layout(Buffer.from(b), shared, fields);
}

/** Reads the string at `at` as `fields[slot]`, `fields[slot + 1]` (its contents' range); false when there is none. */
function field(b: Buffer, at: number, fields: number[], slot: number): boolean {
  const start = stringAt(b, at);
  if (start < 0) return false;
  fields[slot] = start;
  fields[slot + 1] = next;
  strings.push(start, next);
  return true;
}

/** True when a section described by smallulong `code` starts at `at` (its value's typecode follows). */
function isSection(b: Buffer, at: number, code: number): boolean {
  return b.length - at > 3 && b[at] === 0x00 && b[at + 1] === 0x53 && b[at + 2] === code;
}

/**
 * The element count of the compound at `at` in its one-byte (`code8`) or four-byte (`code32`) form;
 * `next` is its first element, `end` the offset its size names (within the bytes). -1 when there is none.
 */
function compound(b: Buffer, at: number, code8: number, code32: number): number {
  const code = b[at];
  let size: number;
  let count: number;
  if (code === code8) {
    if (b.length - at < 3) return -1;
    size = b[at + 1]!;
    count = b[at + 2]!;
    end = at + 2 + size;
    next = at + 3;
  } else if (code === code32) {
    if (b.length - at < 9) return -1;
    size = uint32(b, at + 1);
    count = uint32(b, at + 5);
    end = at + 5 + size;
    next = at + 9;
  } else return -1;
  if (end > b.length || next > end || count > end - next) return -1;
  return count;
}

/** The start of the string (str8 or str32) at `at`, `next` just past it; -1 when there is none that fits. */
function stringAt(b: Buffer, at: number): number {
  const code = b[at];
  let start: number;
  let size: number;
  if (code === STR8) {
    if (b.length - at < 2) return -1;
    size = b[at + 1]!;
    start = at + 2;
  } else if (code === STR32) {
    if (b.length - at < 5) return -1;
    size = uint32(b, at + 1);
    start = at + 5;
  } else return -1;
  if (size > b.length - start) return -1;
  next = start + size;
  return start;
}

/** The offset past the scalar at `at` (see {@link SCALAR}), or -1; a sized one's contents are added to `strings`. */
function skipScalar(b: Buffer, at: number): number {
  if (at >= b.length) return -1;
  const width = SCALAR[b[at]!]!;
  if (width >= 0) return at + 1 + width > b.length ? -1 : at + 1 + width;
  if (width === -1) return -1;
  // A binary, string or symbol: its contents vary between requests of one layout (a tracking id).
  const start = at + (width === SIZED8 ? 2 : 5);
  if (start > b.length) return -1;
  const past = start + (width === SIZED8 ? b[at + 1]! : uint32(b, at + 1));
  if (past > b.length) return -1;
  strings.push(start, past);
  return past;
}

/** The big-endian uint32 at `at` (within the bytes): byte arithmetic, lighter for V8 to inline than `readUInt32BE`'s checks. */
function uint32(b: Buffer, at: number): number {
  return b[at]! * 0x100_0000 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);
}

/** True when `b[start, stop)` are the bytes of `expected`. */
function equals(b: Buffer, start: number, stop: number, expected: Buffer): boolean {
  if (stop - start !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (b[start + i] !== expected[i]) return false;
  return true;
}

import { types, type Typed } from '../rhea/codec';
import type { HeaderFields, MessageContent } from './MessageContent';
import { Section, sectionCodeAt, sectionEnd } from './sections';
import { timestampToMs } from './values';

/** Annotations the broker sets on every delivery; a client's own values for them are dropped. */
const BROKER_OWNED_ANNOTATIONS = new Set([
  'x-opt-sequence-number',
  'x-opt-enqueued-time',
  'x-opt-locked-until',
  'x-opt-message-state',
  'x-opt-deadletter-source',
  'x-opt-enqueue-sequence-number',
]);

const NO_HEADER: HeaderFields = { durable: null, priority: null, ttl: null, firstAcquirer: null };

/** A header section with no fields (`00 53 70 45`: described smallulong 0x70, list0). */
const EMPTY_HEADER = [0x00, 0x53, 0x70, 0x45] as const;

function isEmptyHeader(bytes: Buffer, at: number): boolean {
  return bytes[at] === EMPTY_HEADER[0] && bytes[at + 1] === EMPTY_HEADER[1] && bytes[at + 2] === EMPTY_HEADER[2] && bytes[at + 3] === EMPTY_HEADER[3];
}

/** Thrown for bytes that are not an AMQP message. */
export class MessageDecodeError extends Error {
  override readonly name = 'MessageDecodeError';
}

/**
 * Splits an encoded AMQP message into what the broker needs: header and message-annotations (decoded),
 * properties (decoded for group-id and message-id), and the bare message kept as bytes. The body,
 * application-properties and footer are never decoded, only checked to be complete sections.
 * Delivery-annotations are hop-local and dropped.
 *
 * @throws MessageDecodeError when the bytes are not a sequence of described sections.
 */
export function parseMessage(bytes: Buffer): MessageContent {
  let header = NO_HEADER;
  let annotations: Typed[] = [];
  let sessionId: string | undefined;
  let messageId: Typed | undefined;
  let scheduledEnqueueTimeMs: number | undefined;
  let bareStart = bytes.length;
  const reader = new types.Reader(bytes);
  try {
    while (reader.position < bytes.length) {
      const code = sectionCodeAt(bytes, reader.position);
      if (code === undefined) throw new MessageDecodeError(`Expected a message section at byte ${reader.position}.`);
      if (code >= Section.properties) {
        bareStart = reader.position;
        if (code === Section.properties) {
          const fields = scanProperties(bytes, reader) ?? readProperties(reader);
          messageId = nonNull(fields.messageId) ?? undefined;
          const groupId = fields.groupId?.value;
          sessionId = typeof groupId === 'string' ? groupId : undefined;
        }
        break;
      }
      if (code === Section.header && isEmptyHeader(bytes, reader.position)) {
        // What rhea writes for a message without header fields: every field null, as decoding it gives.
        reader.position += EMPTY_HEADER.length;
        continue;
      }
      const section = reader.read();
      if (reader.position > bytes.length) throw new MessageDecodeError(`A message section is truncated.`);
      if (code === Section.header) header = headerFields(listItems(section));
      else if (code === Section.messageAnnotations) {
        annotations = ownAnnotations(mapItems(section));
        scheduledEnqueueTimeMs = annotationValue(annotations, 'x-opt-scheduled-enqueue-time');
      }
    }
    // The rest (application-properties, body, footer) is kept as bytes: check that its sections are whole.
    for (let at = bareStart; at < bytes.length; ) at = sectionEnd(bytes, at);
  } catch (error: unknown) {
    if (error instanceof MessageDecodeError) throw error;
    throw new MessageDecodeError(`Malformed AMQP message: ${(error as Error).message}`, { cause: error });
  }
  const ttl = header.ttl?.value;
  return {
    header,
    annotations,
    bare: copyOf(bytes, bareStart), // a copy: the input may be a slice of a large socket chunk
    sessionId,
    messageId,
    timeToLiveMs: typeof ttl === 'number' && ttl > 0 ? ttl : undefined,
    scheduledEnqueueTimeMs,
    forwardHops: 0,
  };
}

/** The two properties the broker reads: message-id (field 0) and group-id (field 10). */
interface PropertiesFields {
  readonly messageId: Typed | undefined;
  readonly groupId: Typed | undefined;
}

/** Decodes the whole properties section at the reader's position (any encoding rhea reads). */
function readProperties(reader: InstanceType<typeof types.Reader>): PropertiesFields {
  const fields = listItems(reader.read());
  return { messageId: fields[0], groupId: fields[10] };
}

/**
 * Bytes after the constructor of each scalar AMQP type rhea decodes without fail (null, booleans,
 * integers, floats, timestamp, uuid; not char, which rhea can fail to decode), and −1 (one length byte) or −4 (four) for binary, string
 * and symbol. Any other constructor leaves the section to {@link readProperties}.
 */
const SCALAR_WIDTH: Readonly<Record<number, number>> = {
  0x40: 0, 0x41: 0, 0x42: 0, 0x43: 0, 0x44: 0,
  0x50: 1, 0x51: 1, 0x52: 1, 0x53: 1, 0x54: 1, 0x55: 1, 0x56: 1,
  0x60: 2, 0x61: 2,
  0x70: 4, 0x71: 4, 0x72: 4,
  0x80: 8, 0x81: 8, 0x82: 8, 0x83: 8,
  0x98: 16,
  0xa0: -1, 0xa1: -1, 0xa3: -1,
  0xb0: -4, 0xb1: -4, 0xb3: -4,
};

/**
 * The properties section at the reader's position, when it is the usual encoding (descriptor
 * smallulong 0x73, a list of scalars whose sizes add up to the list's): reads message-id and group-id
 * with the reader and skips the other fields by their sizes, instead of decoding all thirteen. Moves
 * the reader past the section. `undefined` (reader untouched) for anything else: the full decode then
 * handles it, errors included, as before.
 */
function scanProperties(bytes: Buffer, reader: InstanceType<typeof types.Reader>): PropertiesFields | undefined {
  const start = reader.position;
  if (bytes[start + 1] !== 0x53) return undefined;
  let at = start + 3;
  let count: number;
  let end: number;
  const list = bytes[at];
  if (list === 0x45) {
    count = 0;
    end = at + 1;
    at = end;
  } else if (list === 0xc0 && at + 3 <= bytes.length) {
    end = at + 2 + bytes[at + 1]!;
    count = bytes[at + 2]!;
    at += 3;
  } else if (list === 0xd0 && at + 9 <= bytes.length) {
    end = at + 5 + bytes.readUInt32BE(at + 1);
    count = bytes.readUInt32BE(at + 5);
    at += 9;
  } else {
    return undefined;
  }
  if (end > bytes.length) return undefined;
  let messageId: Typed | undefined;
  let groupId: Typed | undefined;
  for (let i = 0; i < count && at <= end; i++) {
    const width = at < end ? SCALAR_WIDTH[bytes[at]!] : undefined;
    if (width === undefined) break;
    let next: number;
    if (width >= 0) next = at + 1 + width;
    else if (width === -1) next = at + 2 + (at + 2 <= end ? bytes[at + 1]! : end);
    else next = at + 5 + (at + 5 <= end ? bytes.readUInt32BE(at + 1) : end);
    if (next > end) break;
    if (i === 0 || i === 10) {
      reader.position = at;
      const value = reader.read();
      if (i === 0) messageId = value;
      else groupId = value;
    }
    at = next;
    if (i === count - 1 && at === end) {
      reader.position = end;
      return { messageId, groupId };
    }
  }
  if (count === 0 && at === end) {
    reader.position = end;
    return { messageId, groupId };
  }
  reader.position = start;
  return undefined;
}

function listItems(section: Typed): readonly (Typed | undefined)[] {
  return Array.isArray(section.value) ? (section.value as Typed[]) : [];
}

function mapItems(section: Typed): Typed[] {
  if (!Array.isArray(section.value) || section.value.length % 2 !== 0) throw new MessageDecodeError('A map section is malformed.');
  return section.value as Typed[];
}

function nonNull(value: Typed | undefined): Typed | null {
  return value === undefined || value.value === null || value.value === undefined ? null : value;
}

function headerFields(fields: readonly (Typed | undefined)[]): HeaderFields {
  return { durable: nonNull(fields[0]), priority: nonNull(fields[1]), ttl: nonNull(fields[2]), firstAcquirer: nonNull(fields[3]) };
}

function ownAnnotations(items: Typed[]): Typed[] {
  const kept: Typed[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = items[i] as Typed;
    if (!BROKER_OWNED_ANNOTATIONS.has(String(key.value))) kept.push(key, items[i + 1] as Typed);
  }
  return kept;
}

function annotationValue(items: readonly Typed[], name: string): number | undefined {
  for (let i = 0; i + 1 < items.length; i += 2) {
    if (items[i]?.value === name) return timestampToMs(items[i + 1]?.value);
  }
  return undefined;
}

/** A copy of `bytes` from `start` on (Buffer.from(bytes.subarray(start)) without the intermediate view object). */
function copyOf(bytes: Buffer, start: number): Buffer {
  const length = bytes.length - start;
  const copy = Buffer.allocUnsafe(length);
  copy.set(new Uint8Array(bytes.buffer, bytes.byteOffset + start, length), 0);
  return copy;
}

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
          const fields = listItems(reader.read());
          messageId = nonNull(fields[0]) ?? undefined;
          const groupId = fields[10]?.value;
          sessionId = typeof groupId === 'string' ? groupId : undefined;
        }
        break;
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
    bare: Buffer.from(bytes.subarray(bareStart)), // a copy: the input may be a slice of a large socket chunk
    sessionId,
    messageId,
    timeToLiveMs: typeof ttl === 'number' && ttl > 0 ? ttl : undefined,
    scheduledEnqueueTimeMs,
  };
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

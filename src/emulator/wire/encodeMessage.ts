import { types, type Typed } from '../rhea/codec';
import type { MessageContent } from './MessageContent';
import { Section } from './sections';

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

const KEY_SEQUENCE_NUMBER = types.wrap_symbol('x-opt-sequence-number');
const KEY_ENQUEUED_TIME = types.wrap_symbol('x-opt-enqueued-time');
const KEY_LOCKED_UNTIL = types.wrap_symbol('x-opt-locked-until');
const KEY_MESSAGE_STATE = types.wrap_symbol('x-opt-message-state');
const KEY_DEADLETTER_SOURCE = types.wrap_symbol('x-opt-deadletter-source');
const KEY_ENQUEUE_SEQUENCE_NUMBER = types.wrap_symbol('x-opt-enqueue-sequence-number');
const HEADER_DESCRIPTOR = types.wrap_ulong(Section.header);
const ANNOTATIONS_DESCRIPTOR = types.wrap_ulong(Section.messageAnnotations);

/** Reused between calls: the encoded head is copied out before the function returns. */
const writer = new types.Writer(Buffer.alloc(4096));

/**
 * Encodes a stored message for the wire: a fresh header (with the delivery count), the message
 * annotations plus the broker's, then the bare message bytes exactly as received. Only the head is
 * encoded per delivery; the body is copied, never re-encoded.
 */
export function encodeMessage(content: MessageContent, broker: BrokerAnnotations): Buffer {
  const { header } = content;
  const annotations: Typed[] = content.annotations.slice();
  annotations.push(KEY_SEQUENCE_NUMBER, types.wrap_long(broker.sequenceNumber), KEY_ENQUEUED_TIME, types.wrap_timestamp(broker.enqueuedAt));
  if (broker.lockedUntil !== undefined) annotations.push(KEY_LOCKED_UNTIL, types.wrap_timestamp(broker.lockedUntil));
  if (broker.state) annotations.push(KEY_MESSAGE_STATE, types.wrap_int(broker.state));
  if (broker.deadLetterSource !== undefined) annotations.push(KEY_DEADLETTER_SOURCE, types.wrap_string(broker.deadLetterSource));
  if (broker.enqueueSequenceNumber !== undefined) {
    annotations.push(KEY_ENQUEUE_SEQUENCE_NUMBER, types.wrap_long(broker.enqueueSequenceNumber));
  }
  writer.position = 0;
  writer.write(
    types.described(
      HEADER_DESCRIPTOR,
      types.List32([header.durable, header.priority, header.ttl, header.firstAcquirer, types.wrap_uint(broker.deliveryCount)]),
    ) as Typed,
  );
  writer.write(types.described(ANNOTATIONS_DESCRIPTOR, types.Map32(annotations)) as Typed);
  const headLength = writer.position;
  return Buffer.concat([writer.buffer.subarray(0, headLength), content.bare], headLength + content.bare.length);
}

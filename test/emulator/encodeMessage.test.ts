import { message as rhea } from 'rhea';
import { types, type Typed } from '../../src/emulator/rhea/codec';
import { encodeMessage, encodeMessageHead, type BrokerAnnotations } from '../../src/emulator/wire/encodeMessage';
import type { MessageContent } from '../../src/emulator/wire/MessageContent';
import { parseMessage } from '../../src/emulator/wire/parseMessage';

/** The head as rhea's Writer encodes the same typed values (the encoder's former implementation). */
function reference(content: MessageContent, broker: BrokerAnnotations): Buffer {
  const { header } = content;
  const annotations: Typed[] = content.annotations.slice();
  annotations.push(types.wrap_symbol('x-opt-sequence-number'), types.wrap_long(broker.sequenceNumber));
  annotations.push(types.wrap_symbol('x-opt-enqueued-time'), types.wrap_timestamp(broker.enqueuedAt));
  if (broker.lockedUntil !== undefined) annotations.push(types.wrap_symbol('x-opt-locked-until'), types.wrap_timestamp(broker.lockedUntil));
  if (broker.state) annotations.push(types.wrap_symbol('x-opt-message-state'), types.wrap_int(broker.state));
  if (broker.deadLetterSource !== undefined) annotations.push(types.wrap_symbol('x-opt-deadletter-source'), types.wrap_string(broker.deadLetterSource));
  if (broker.enqueueSequenceNumber !== undefined) annotations.push(types.wrap_symbol('x-opt-enqueue-sequence-number'), types.wrap_long(broker.enqueueSequenceNumber));
  const writer = new types.Writer();
  writer.write(types.described(types.wrap_ulong(0x70), types.List32([header.durable, header.priority, header.ttl, header.firstAcquirer, types.wrap_uint(broker.deliveryCount)])) as Typed);
  writer.write(types.described(types.wrap_ulong(0x72), types.Map32(annotations)) as Typed);
  return Buffer.concat([writer.toBuffer(), content.bare]);
}

const encoded = (fields: Record<string, unknown>): MessageContent => parseMessage(rhea.encode(fields as never) as unknown as Buffer);

describe('encodeMessage', () => {
  const contents: Array<[string, MessageContent]> = [
    ['no header, no annotations', encoded({ body: rhea.data_section(Buffer.alloc(100, 0x61)), message_id: 1 })],
    ['a header and client annotations', encoded({ durable: true, priority: 4, ttl: 60_000, first_acquirer: false, message_annotations: { 'x-opt-partition-key': 'p', n: 7 }, body: 'x', group_id: 's' })],
    ['a large annotation (the reused buffer grows)', encoded({ message_annotations: { big: 'y'.repeat(10_000) }, body: 'z' })],
  ];
  const brokers: BrokerAnnotations[] = [
    { sequenceNumber: 1, enqueuedAt: 1_764_748_800_000, deliveryCount: 0 },
    { sequenceNumber: 127, enqueuedAt: 0, deliveryCount: 255, lockedUntil: 1_764_748_860_000 },
    { sequenceNumber: 128, enqueuedAt: 1_764_748_800_000, deliveryCount: 256, lockedUntil: 1_764_748_860_000, state: 1 },
    { sequenceNumber: -129, enqueuedAt: -5, deliveryCount: 3, state: 200, deadLetterSource: 'q/Subscriptions/s', enqueueSequenceNumber: 2 ** 40 },
    { sequenceNumber: 2 ** 53 - 1, enqueuedAt: 1, deliveryCount: 2 ** 32 - 1, deadLetterSource: 'ü'.repeat(200), enqueueSequenceNumber: -1 },
  ];

  it.each(contents)('writes the bytes rhea writes for the same values: %s', (_name, content) => {
    for (const broker of brokers) expect(encodeMessage(content, broker).equals(reference(content, broker))).toBe(true);
  });

  it.each(contents)('encodeMessageHead is the head before the bare message, in a buffer of its own: %s', (_name, content) => {
    for (const broker of brokers) {
      const head = encodeMessageHead(content, broker);
      encodeMessage(content, brokers[0]!);
      expect(Buffer.concat([head, content.bare]).equals(reference(content, broker))).toBe(true);
    }
  });

  it('returns a buffer of its own (the next call does not overwrite it)', () => {
    const [, content] = contents[1]!;
    const first = encodeMessage(content, brokers[0]!);
    const copy = Buffer.from(first);
    encodeMessage(content, brokers[3]!);
    expect(first.equals(copy)).toBe(true);
    expect(rhea.decode(first)).toMatchObject({ durable: true, priority: 4, group_id: 's', body: 'x', delivery_count: 0 });
  });
});

/**
 * Contract test for the broker's encodePresized (src/emulator/rhea/encodePresized.ts): rhea's
 * `message.encode` bytes, the body section written into a presized buffer. The bytes must be rhea's.
 */
import { message as rheaMessage, types, type Message } from 'rhea';
import { BinaryParts } from '../../src/emulator/rhea/BinaryParts';
import { PRESIZED_BODY_BYTES, encodePresized } from '../../src/emulator/rhea/encodePresized';

const peekReply = (count: number, size: number): Message =>
  ({
    correlation_id: 'req-1',
    application_properties: { statusCode: types.wrap_int(200), statusDescription: 'OK' },
    body: { messages: Array.from({ length: count }, (_, i) => ({ message: Buffer.alloc(size, 0x61 + i) })) },
  }) as unknown as Message;

it("writes rhea's bytes for small and large replies, with and without properties", () => {
  const replies: Message[] = [
    peekReply(1, 10),
    peekReply(10, 200_000),
    peekReply(3, PRESIZED_BODY_BYTES),
    { ...peekReply(2, 100_000), correlation_id: undefined, message_id: types.wrap_ulong(7), subject: 'é', application_properties: { e: 'ü'.repeat(40_000) } } as unknown as Message,
    { application_properties: { statusCode: types.wrap_int(200) }, body: { list: ['x'.repeat(70_000), 1, 2.5, true, null, new Date(0), types.wrap_long(12), { nested: Buffer.alloc(70_000) }] } } as unknown as Message,
    { body: 'ü'.repeat(70_000) } as unknown as Message,
    { body: rheaMessage.data_section(Buffer.alloc(100_000, 1)) } as unknown as Message,
    { application_properties: { a: 1 } } as unknown as Message,
  ];
  for (const reply of replies) expect(encodePresized(reply).equals(rheaMessage.encode(reply))).toBe(true);
});

it('a large reply comes back in a buffer of about its size, not in a view of a doubled one', () => {
  const bytes = encodePresized(peekReply(10, 200_000));
  expect(bytes.length).toBeGreaterThan(2_000_000);
  expect(bytes.buffer.byteLength).toBeLessThan(bytes.length * 1.01 + 8_192);
  const rhea = rheaMessage.encode(peekReply(10, 200_000));
  expect(rhea.buffer.byteLength).toBeGreaterThan(rhea.length * 1.5); // what encodePresized avoids: rhea's writer doubled past it
});

it('a binary given as parts (BinaryParts) is written as the joined bytes, by encodePresized and by rhea', () => {
  const parts = (count: number, size: number, split: number): Message => {
    const joined = peekReply(count, size) as unknown as { body: { messages: { message: unknown }[] } };
    for (const entry of joined.body.messages) {
      const bytes = entry.message as Buffer;
      entry.message = new BinaryParts(bytes.subarray(0, Math.min(split, bytes.length)), bytes.subarray(Math.min(split, bytes.length)));
    }
    return joined as unknown as Message;
  };
  for (const [count, size, split] of [
    [10, 200_000, 120],
    [1, 10, 4],
    [2, 300, 0],
    [3, PRESIZED_BODY_BYTES, 70],
  ] as const) {
    const expected = rheaMessage.encode(peekReply(count, size));
    expect(encodePresized(parts(count, size, split)).equals(expected)).toBe(true);
    expect(rheaMessage.encode(parts(count, size, split)).equals(expected)).toBe(true);
  }
});

import { message as rheaMessage } from 'rhea';
import { AmqpDecodeError } from '../../src/emulator/rhea/AmqpDecodeError';
import { BoundedReader } from '../../src/emulator/rhea/BoundedReader';
import { message as codec } from '../../src/emulator/rhea/codec';
import { Prng } from '../fuzz/prng';

/** The decode before the single-pass fast path: the building bounded pass, then rhea's decode. */
function reference(buffer: Buffer): unknown {
  const reader = new BoundedReader(buffer);
  while (reader.remaining() > 0) {
    const code = (reader.read() as { descriptor?: { value?: unknown } }).descriptor?.value;
    if (typeof code !== 'number' || code < 0x70 || code > 0x78) throw new AmqpDecodeError('not sections');
  }
  return rheaMessage.decode(buffer);
}

const outcome = (decode: (b: Buffer) => unknown, buffer: Buffer): unknown => {
  try {
    return JSON.parse(JSON.stringify(decode(buffer)));
  } catch (error: unknown) {
    return error instanceof AmqpDecodeError ? 'refused' : 'threw';
  }
};

/** Management-style requests (renew-lock, peek), as the SDK sends them. */
const requests = [
  { message_id: 'm-1', reply_to: 'mgmt-reply-1', application_properties: { operation: 'com.microsoft:renew-session-lock', 'com.microsoft:server-timeout': 60000 }, body: { 'session-id': 's-1' } },
  { message_id: 7, reply_to: 'r', application_properties: { operation: 'com.microsoft:peek-message' }, body: { 'from-sequence-number': 1, 'message-count': 10, list: [1, 'a', null] } },
  { message_id: 'x', durable: true, ttl: 1000, message_annotations: { 'x-opt-a': 'b' }, body: rheaMessage.data_section(Buffer.from('hello')) },
].map((m) => rheaMessage.encode(m as never));

describe('codec message.decode', () => {
  it('decodes management requests exactly as the building bounded pass + rhea did', () => {
    for (const buffer of requests) expect(outcome((b) => codec.decode(b), buffer)).toEqual(outcome(reference, buffer));
  });

  it('gives the same result or refusal as before for mutated and truncated requests', () => {
    const random = new Prng(7);
    for (let i = 0; i < 20_000; i++) {
      const body = Buffer.from(random.pick(requests));
      const mutations = 1 + random.int(3);
      for (let m = 0; m < mutations; m++) body[random.int(body.length)] = random.int(4) === 0 ? random.pick([0x00, 0x53, 0xff, 0xe0, 0xc1, 0xd0, 0x40]) : random.int(256);
      const input = random.int(3) === 0 ? body.subarray(0, random.int(body.length)) : body;
      const expected = outcome(reference, input);
      // rhea may throw its own errors (not AmqpDecodeError) on bytes the bounded pass let through: either way the request is refused.
      const actual = outcome((b) => codec.decode(b), input);
      if (expected === 'threw' || actual === 'threw') expect(typeof actual === 'string' && typeof expected === 'string').toBe(true);
      else expect(actual).toEqual(expected);
    }
  });
});

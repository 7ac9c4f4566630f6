import { BoundedReader, type DecodeLimits } from '../../src/emulator/rhea/BoundedReader';
import { scanBounded } from '../../src/emulator/rhea/scanBounded';
import { capture } from '../fuzz/fuzzCases';
import { Prng } from '../fuzz/prng';

const LIMITS: DecodeLimits = { maxDepth: 8, maxElements: 64 };

/** The performative of each AMQP/SASL frame in `frames` (the bytes after the frame header). */
function performatives(frames: Buffer[]): Buffer[] {
  return frames.filter((f) => f.length > 8 && f.readUInt32BE(0) === f.length).map((f) => f.subarray((f[4] as number) * 4));
}

const decodes = (body: Buffer, limits: DecodeLimits): boolean => {
  try {
    new BoundedReader(body, limits).read();
    return true;
  } catch {
    return false;
  }
};

describe('scanBounded', () => {
  it('vouches for the performatives of a real client session', () => {
    const bodies = performatives(capture(5672, new Prng(1)));
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(scanBounded(body, { maxDepth: 32, maxElements: 16_384 })).toBe(true);
  });

  it('never vouches for bytes the bounded decoder refuses (mutated performatives and random bytes)', () => {
    const random = new Prng(42);
    const bodies = performatives(capture(5672, new Prng(2)));
    let vouched = 0;
    let refused = 0;
    for (let i = 0; i < 20_000; i++) {
      const body = Buffer.from(random.pick(bodies));
      const mutations = 1 + random.int(4);
      for (let m = 0; m < mutations; m++) body[random.int(body.length)] = random.int(4) === 0 ? random.pick([0x00, 0xff, 0xe0, 0xf0, 0xc1, 0xd0]) : random.int(256);
      const input = random.int(5) === 0 ? random.bytes(1 + random.int(40)) : body.subarray(0, random.int(3) === 0 ? random.int(body.length) : body.length);
      const limits = random.int(2) === 0 ? LIMITS : { maxDepth: 32, maxElements: 16_384 };
      if (scanBounded(input, limits)) {
        vouched++;
        expect(decodes(input, limits)).toBe(true);
      } else if (!decodes(input, limits)) refused++;
    }
    expect(vouched).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('leaves the count bomb of issue 10 and over-deep nesting to the bounded decoder', () => {
    expect(scanBounded(Buffer.from('0000001202010000f000000005ffffffff40', 'hex').subarray(8), LIMITS)).toBe(false);
    const deep = Buffer.from([...Array(12)].flatMap(() => [0xc0, 0x02, 0x01]).concat([0x40]));
    expect(scanBounded(deep, LIMITS)).toBe(false);
    expect(decodes(deep, LIMITS)).toBe(false);
  });

  it('counts each descriptor of a chain as a level, in the scan and in the bounded decoder', () => {
    const chain = (n: number): Buffer => Buffer.from([...Array(n)].flatMap(() => [0x00, 0x40]).concat([0x40]));
    expect(decodes(chain(3), LIMITS)).toBe(true);
    expect(scanBounded(chain(12), LIMITS)).toBe(false);
    expect(decodes(chain(12), LIMITS)).toBe(false);
    // A 5 000-link chain (a fuzz bomb) fails at the depth limit, not after decoding 5 000 descriptors.
    expect(decodes(chain(5_000), { maxDepth: 32, maxElements: 16_384 })).toBe(false);
  });
});

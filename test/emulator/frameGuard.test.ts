import { FrameGuard } from '../../src/emulator/transport/FrameGuard';

const AMQP = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
const SASL = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);
const frame = (size: number, type = 0): Buffer => {
  const bytes = Buffer.alloc(Math.max(8, Math.min(size, 64)));
  bytes.writeUInt32BE(size, 0);
  bytes[4] = 2;
  bytes[5] = type;
  return bytes.subarray(0, Math.max(8, Math.min(size, bytes.length)));
};
const limits = { beforeOpen: 512, afterOpen: 4096 };

describe('FrameGuard', () => {
  it('passes a SASL exchange, the AMQP header that follows it, and frames within the limits, split anywhere', () => {
    const stream = Buffer.concat([SASL, frame(40, 1), frame(30, 1), AMQP, frame(64), frame(4096).subarray(0, 8), Buffer.alloc(4088), frame(8)]);
    for (const step of [1, 3, 7, stream.length]) {
      const guard = new FrameGuard(limits);
      for (let at = 0; at < stream.length; at += step) expect(guard.inspect(stream.subarray(at, at + step))).toEqual({ ok: true });
    }
  });

  it('answers an unsupported protocol version with the broker header', () => {
    const verdict = new FrameGuard(limits).inspect(Buffer.from([0x41, 0x4d, 0x51, 0x50, 1, 1, 0, 0]));
    expect(verdict).toMatchObject({ ok: false, reply: AMQP });
    expect(new FrameGuard(limits).inspect(Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 2, 0, 0]))).toMatchObject({ ok: false, reply: SASL });
  });

  it('refuses bytes that are not AMQP, without a reply', () => {
    const verdict = new FrameGuard(limits).inspect(Buffer.from('GET / HTTP/1.1\r\n', 'latin1'));
    expect(verdict.ok).toBe(false);
    expect(verdict).not.toHaveProperty('reply');
  });

  it('refuses a frame larger than allowed before open and after open, and a frame shorter than its header', () => {
    expect(new FrameGuard(limits).inspect(Buffer.concat([AMQP, frame(513)])).ok).toBe(false);
    expect(new FrameGuard(limits).inspect(Buffer.concat([AMQP, frame(0xffffffff)])).ok).toBe(false);
    expect(new FrameGuard(limits).inspect(Buffer.concat([SASL, frame(600, 1)])).ok).toBe(false);
    const open = new FrameGuard(limits);
    expect(open.inspect(Buffer.concat([AMQP, frame(100)]))).toEqual({ ok: true });
    expect(open.inspect(frame(4097)).ok).toBe(false);
    expect(new FrameGuard(limits).inspect(Buffer.concat([AMQP, frame(3)])).ok).toBe(false);
  });

  it('stays refused once it refused', () => {
    const guard = new FrameGuard(limits);
    expect(guard.inspect(Buffer.from('nope!!!!', 'latin1')).ok).toBe(false);
    expect(guard.inspect(AMQP).ok).toBe(false);
  });
  it('checks a split frame by its first part: a bounded performative lets the rest through, an unbounded one waits for all of it', () => {
    const decode = { beforeOpen: 512, afterOpen: 100_000, decode: { maxDepth: 8, maxElements: 64 } };
    const open = Buffer.concat([frame(8), Buffer.from([0x00, 0x53, 0x10, 0x45])]); // an open with no fields: the first frame
    open.writeUInt32BE(open.length, 0);
    const transfer = (performative: Buffer, payload: number): Buffer => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(8 + performative.length + payload, 0);
      head[4] = 2;
      return Buffer.concat([head, performative, Buffer.alloc(payload, 0x61)]);
    };
    const bounded = transfer(Buffer.from([0x00, 0x53, 0x14, 0x45]), 50_000); // transfer, empty list
    for (const step of [10, 4096]) {
      const guard = new FrameGuard(decode);
      const stream = Buffer.concat([AMQP, open, bounded, bounded]);
      for (let at = 0; at < stream.length; at += step) expect(guard.inspect(stream.subarray(at, at + step))).toEqual({ ok: true });
    }
    // A list claiming more elements than allowed: refused once the frame is complete (not on its first part).
    const bomb = transfer(Buffer.from([0x00, 0x53, 0x14, 0xc0, 0x02, 0xff, 0x40]), 50_000);
    const guard = new FrameGuard(decode);
    expect(guard.inspect(Buffer.concat([AMQP, open, bomb.subarray(0, 4096)]))).toEqual({ ok: true });
    expect(guard.inspect(bomb.subarray(4096)).ok).toBe(false);
    // A bad data offset is refused on the first part.
    const badOffset = Buffer.from(bounded);
    badOffset[4] = 1;
    expect(new FrameGuard(decode).inspect(Buffer.concat([AMQP, open, badOffset.subarray(0, 100)])).ok).toBe(false);
  });
});

import { InvalidArgumentError } from '../../src/errors';
import { renewAt, renewDelay } from '../../src/lock/renewDelay';

describe('renewAt', () => {
  // [remaining, renewBefore, rttMs, expected delay from now]
  const table: Array<[number, number | undefined, number | undefined, number]> = [
    [60_000, undefined, undefined, 50_000], // JS SDK: remaining − min(remaining/2, 10 s)
    [30_000, undefined, undefined, 20_000],
    [20_000, undefined, undefined, 10_000],
    [10_000, undefined, undefined, 5_000], // half of the remaining time
    [5_000, undefined, undefined, 2_500],
    [1_000, undefined, undefined, 500],
    [1_001, undefined, undefined, 500], // floored: renewing earlier is the safe side
    [999, undefined, undefined, 0], // under 1 s → now
    [0, undefined, undefined, 0],
    [-5_000, undefined, undefined, 0], // already expired → now
    [60_000, undefined, 100, 49_800], // 2 × rtt safety allowance
    [60_000, undefined, 20_000, 10_000], // big rtt: renew early …
    [60_000, undefined, 40_000, 0], // … or at once, never in the past
    [60_000, 15_000, undefined, 45_000], // renewBefore replaces the default margin
    [60_000, 15_000, 100, 44_800],
    [60_000, 0, undefined, 60_000], // renewBefore 0: at expiry (allowed, not useful)
    [60_000, 0, 500, 59_000],
    [60_000, 70_000, undefined, 0], // margin larger than remaining → now
    [500, 100, undefined, 0], // under 1 s wins over renewBefore
  ];

  it.each(table)('remaining %p, renewBefore %p, rtt %p → renew after %p ms', (remaining, renewBefore, rttMs, expected) => {
    const now = 1_700_000_000_000;
    expect(renewAt({ now, lockedUntil: now + remaining, renewBefore, rttMs })).toBe(now + expected);
    expect(renewDelay({ now, lockedUntil: new Date(now + remaining), renewBefore, rttMs })).toBe(expected);
  });

  it('never returns earlier than now nor later than lockedUntil − rtt', () => {
    for (let remaining = -2_000; remaining <= 70_000; remaining += 997) {
      for (const rttMs of [0, 1, 250, 3_000, 80_000]) {
        for (const renewBefore of [undefined, 0, 2_000, 30_000]) {
          const at = renewAt({ now: 0, lockedUntil: remaining, renewBefore, rttMs });
          expect(at).toBeGreaterThanOrEqual(0);
          if (remaining >= 1_000 && remaining >= rttMs) expect(at).toBeLessThanOrEqual(remaining - rttMs);
        }
      }
    }
  });

  it('rejects bad input with a typed error naming the argument', () => {
    expect(() => renewAt({ now: Number.NaN, lockedUntil: 0 })).toThrow(InvalidArgumentError);
    expect(() => renewAt({ now: 0, lockedUntil: new Date(Number.NaN) })).toThrow(/Invalid lockedUntil/);
    expect(() => renewAt({ now: 0, lockedUntil: 1, renewBefore: -1 })).toThrow(/Invalid renewBefore/);
    expect(() => renewAt({ now: 0, lockedUntil: 1, rttMs: Number.NaN })).toThrow(/Invalid rttMs/);
  });
});

import { InvalidArgumentError } from '../../src/errors';
import { autoRenew } from '../../src/lock/autoRenew';
import { spreadFraction } from '../../src/lock/AutoRenewRun';
import { DeadlineQueue } from '../../src/time/DeadlineQueue';
import { fakeSession, type FakeSession } from './lockFakes';
import { strictTestScheduler } from './strictTestScheduler';

/**
 * Spread renewals (issue 15): sessions accepted together renew at different times, each within its
 * window and always before its lock's renewal deadline.
 */
function acceptTogether(count: number, spread: number | undefined, horizon: number): FakeSession[] {
  const ts = strictTestScheduler();
  const deadlines = new DeadlineQueue(ts);
  const sessions: FakeSession[] = [];
  ts.run(() => {
    for (let i = 0; i < count; i++) {
      const session = fakeSession({ sessionId: `order-${i}`, lockDuration: 30_000, rtt: 10, scheduler: ts, deadlines });
      sessions.push(session);
      const sub = session.lock$.pipe(autoRenew({ maxDuration: Infinity, scheduler: ts, deadlines, ...(spread === undefined ? {} : { spread }) })).subscribe();
      ts.schedule(() => sub.unsubscribe(), horizon);
    }
  });
  return sessions;
}

describe('renewal spread', () => {
  it('by default, 1 000 sessions accepted at once renew spread over the window, each renewal before its deadline', () => {
    const sessions = acceptTogether(1_000, undefined, 120_000);
    const first = sessions.map((s) => s.renewStarts[0]!);
    // 30 s lock: the latest safe renewal is at 20 000 (10 s margin); spread 0.5 → window [15 000, 20 000].
    expect(Math.min(...first)).toBeGreaterThanOrEqual(15_000);
    expect(Math.max(...first)).toBeLessThanOrEqual(20_000);
    expect(new Set(first).size).toBeGreaterThan(800);
    // No second of the 5-second window holds more than 30 % of the sessions (a burst would hold all of them).
    const perSecond = new Map<number, number>();
    for (const t of first) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    expect(Math.max(...perSecond.values())).toBeLessThan(300);
    for (const s of sessions) {
      // Each renewal starts at or before the latest safe time of the lock it renews (its expiry −
      // 10 s margin − 2 × rtt after the first), and nothing is lost or reported.
      let expiry = 30_000;
      for (const [i, at] of s.renewStarts.entries()) {
        expect(at).toBeLessThanOrEqual(expiry - 10_000 - (i === 0 ? 0 : 20));
        // ...and no earlier than its window allows: half of the 10 020 ms from there to expiry.
        expect(at).toBeGreaterThanOrEqual(expiry - 10_000 - 20 - 5_010);
        expiry = at + 10 + 30_000;
      }
      expect(s.renewStarts.length).toBeGreaterThanOrEqual(5);
      expect(s.lock.closed).toEqual([]);
      expect(s.lock.reported).toEqual([]);
    }
  });

  it('is deterministic: the same session ids renew at the same times', () => {
    expect(acceptTogether(50, undefined, 60_000).map((s) => s.renewStarts)).toEqual(acceptTogether(50, undefined, 60_000).map((s) => s.renewStarts));
  });

  it('spread 0 renews every session at exactly renewAt() (one burst)', () => {
    const first = acceptTogether(100, 0, 25_000).map((s) => s.renewStarts[0]);
    expect(new Set(first)).toEqual(new Set([20_000]));
  });

  it('spreadFraction is a fixed fraction in [0, 1) per id', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const fractions = ids.map(spreadFraction);
    expect(fractions.every((f) => f >= 0 && f < 1)).toBe(true);
    expect(fractions).toEqual(ids.map(spreadFraction));
    expect(fractions.filter((f) => f < 0.5).length).toBeGreaterThan(400);
  });

  it('validates spread at the call', () => {
    for (const bad of [-0.1, 1.5, Number.NaN, '0.5']) expect(() => autoRenew({ spread: bad as number })).toThrow(InvalidArgumentError);
    expect(() => autoRenew({ spread: 1 })).not.toThrow();
  });
});

import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { InvalidArgumentError, type LockState } from '../../src';
import { brokerAndClient } from './brokerAndClient';

const t = brokerAndClient({ lockDurationMs: 3_000 });

const accept = t.accept;

describe('session state', () => {
  it('round-trips strings, bytes and clearing', async () => {
    const s = await accept('st');
    expect(await firstValueFrom(s.getState())).toBeUndefined();
    await lastValueFrom(s.setState('checkpoint-1'));
    expect(await firstValueFrom(s.getState())).toBe('checkpoint-1');
    await lastValueFrom(s.setState(new Uint8Array([0, 1, 254])));
    expect(await firstValueFrom(s.getState())).toEqual(new Uint8Array([0, 1, 254]));
    await lastValueFrom(s.setState(null));
    expect(await firstValueFrom(s.getState())).toBeUndefined();
  });

  it('keeps the state for the next holder of the session', async () => {
    const s = await accept('st2');
    await lastValueFrom(s.setState('step-3'));
    await s.close();
    const again = await accept('st2');
    expect(await firstValueFrom(again.getState())).toBe('step-3');
  });

  it('state$ emits the fetched state, then every change made through the session, and completes on close', async () => {
    const s = await accept('st3');
    await lastValueFrom(s.setState('v0'));
    const seen = lastValueFrom(s.state$.pipe(toArray()));
    const first = await firstValueFrom(s.state$);
    expect(first).toBe('v0');
    await lastValueFrom(s.setState('v1'));
    await lastValueFrom(s.setState(null));
    expect(await firstValueFrom(s.state$)).toBeUndefined();
    await s.close();
    expect(await seen).toEqual(['v0', 'v1', undefined]);
  });

  it('refuses other state types and oversize state at the call', async () => {
    const s = await accept('st4');
    expect(() => s.setState(42 as never)).toThrow(InvalidArgumentError);
    expect(() => s.setState(new Uint8Array(256 * 1024 + 1))).toThrow(/at most 262144 bytes/);
  });
});

describe('renewLock', () => {
  it('moves lockedUntil forward and pushes a renewed state to lock$', async () => {
    const s = await accept('rn');
    const before = s.lockedUntil.getTime();
    const renewed = firstValueFrom(s.lock$.pipe(filter((x) => x.kind === 'held' || x.kind === 'renewed'), take(2), toArray()));
    const until = await firstValueFrom(s.renewLock());
    expect(until.getTime()).toBeGreaterThanOrEqual(before);
    expect(s.lockedUntil).toEqual(until);
    const states: LockState[] = await renewed;
    expect(states.map((x) => x.kind)).toEqual(['held', 'renewed']);
    expect(states[1]?.lockedUntil).toEqual(until);
  });
});

import { defaultIfEmpty, firstValueFrom, last, lastValueFrom, mergeMap, take, takeWhile } from 'rxjs';
import { ServiceBusClient } from '../../src';
import { sessionPool } from '../../src/pool';
import { nowMs, percentile } from '../lib/stats';

/** servicebus-rx: one session, receive + complete of `count` queued messages. msg/s. */
export async function rxOneSession(connectionString: string, queue: string, sessionId: string, count: number): Promise<number> {
  const client = new ServiceBusClient(connectionString);
  try {
    const started = nowMs();
    const session = await firstValueFrom(client.acceptSession(queue, sessionId, { maxCredit: 1000 }));
    await lastValueFrom(session.messages$.pipe(take(count), mergeMap((m) => m.complete(), 1000)), { defaultValue: undefined });
    const elapsed = nowMs() - started;
    await session.close();
    return count / (elapsed / 1000);
  } finally {
    await client.close();
  }
}

/** servicebus-rx: `total` messages over many sessions through the session pool. msg/s. */
export async function rxManySessions(connectionString: string, queue: string, total: number, maxConcurrentSessions: number): Promise<number> {
  const client = new ServiceBusClient(connectionString);
  let done = 0;
  try {
    const started = nowMs();
    await lastValueFrom(
      // The idle timeout only recycles sessions (the run ends when `total` messages are completed, and
      // there are as many slots as sessions). At 200 ms the pool closed sessions whose last completions
      // were still in flight under load (a 100-session burst takes the broker ~1 s to deliver), which
      // failed those completions and the run.
      sessionPool(client, queue, { maxConcurrentSessions, sessionIdleTimeout: 2000, accept: { maxCredit: 200, timeout: 2000 } }).pipe(
        mergeMap((session) => session.messages$.pipe(mergeMap((m) => m.complete(), 200))),
        takeWhile(() => ++done < total, true),
        last(),
        defaultIfEmpty(undefined),
      ),
    );
    return total / ((nowMs() - started) / 1000);
  } finally {
    await client.close();
  }
}

/** `renewLock` latency: `warmup` calls, then `calls` sequential calls. p50/p99 ms. */
export async function rxRenewLatency(connectionString: string, queue: string, sessionId: string, calls: number, warmup = 50): Promise<{ p50: number; p99: number }> {
  const client = new ServiceBusClient(connectionString);
  try {
    const session = await firstValueFrom(client.acceptSession(queue, sessionId));
    for (let i = 0; i < warmup; i++) await firstValueFrom(session.renewLock());
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = nowMs();
      await firstValueFrom(session.renewLock());
      samples.push(nowMs() - t);
    }
    await session.close();
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    await client.close();
  }
}

/**
 * The official @azure/service-bus SDK, driven the fastest ways its docs allow, against our broker.
 * Benchmark code: uses wall-clock time on purpose.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { nowMs, percentile } from '../lib/stats';

/**
 * One session, receive + complete of `count` messages already in the queue. The documented ways:
 * `receiveMessages` batches with parallel completes (`batch`), the same awaiting each complete in
 * turn (`sequential`, the baseline of the broker study), and `subscribe` with many concurrent calls.
 * Returns msg/s.
 */
export async function sdkOneSession(connectionString: string, queue: string, sessionId: string, count: number, mode: 'batch' | 'sequential' | 'subscribe'): Promise<number> {
  const client = new ServiceBusClient(connectionString);
  try {
    const started = nowMs();
    const receiver = await client.acceptSession(queue, sessionId, { maxAutoLockRenewalDurationInMs: 0 });
    let done = 0;
    if (mode === 'batch' || mode === 'sequential') {
      while (done < count) {
        const batch = await receiver.receiveMessages(Math.min(mode === 'batch' ? 1000 : 100, count - done), { maxWaitTimeInMs: 5000 });
        if (batch.length === 0) throw new Error(`SDK batch receive stalled at ${done}/${count}`);
        if (mode === 'batch') await Promise.all(batch.map((m) => receiver.completeMessage(m)));
        else for (const m of batch) await receiver.completeMessage(m);
        done += batch.length;
      }
    } else {
      await new Promise<void>((resolve, reject) => {
        const sub = receiver.subscribe(
          {
            processMessage: async () => {
              done += 1;
              if (done === count) {
                // autoCompleteMessages completes this one after we return; wait a turn for it.
                setImmediate(() => void sub.close().then(resolve, reject));
              }
            },
            processError: async (args) => reject(args.error),
          },
          { maxConcurrentCalls: 1000, autoCompleteMessages: true },
        );
      });
    }
    const elapsed = nowMs() - started;
    await receiver.close();
    return count / (elapsed / 1000);
  } finally {
    await client.close();
  }
}

/**
 * `sessions` sessions at once: the SDK has no pool, so this is the hand-rolled equivalent its users
 * write — `workers` loops of acceptNextSession → receive batches + parallel completes → close.
 * Returns msg/s over `total` messages.
 */
export async function sdkManySessions(connectionString: string, queue: string, total: number, workers: number): Promise<number> {
  const client = new ServiceBusClient(connectionString, { retryOptions: { timeoutInMs: 2000, maxRetries: 0 } });
  let done = 0;
  const started = nowMs();
  const worker = async (): Promise<void> => {
    while (done < total) {
      let receiver;
      try {
        receiver = await client.acceptNextSession(queue, { maxAutoLockRenewalDurationInMs: 0 });
      } catch (e) {
        if ((e as { code?: string }).code === 'ServiceTimeout') continue;
        throw e;
      }
      for (;;) {
        const batch = await receiver.receiveMessages(100, { maxWaitTimeInMs: 200 });
        if (batch.length === 0) break;
        await Promise.all(batch.map((m) => receiver.completeMessage(m)));
        done += batch.length;
      }
      await receiver.close();
    }
  };
  try {
    await Promise.all(Array.from({ length: workers }, worker));
    return total / ((nowMs() - started) / 1000);
  } finally {
    await client.close();
  }
}

/** `renewSessionLock` latency: `warmup` calls, then `calls` sequential awaited calls. Returns p50/p99 ms. */
export async function sdkRenewLatency(connectionString: string, queue: string, sessionId: string, calls: number, warmup = 50): Promise<{ p50: number; p99: number }> {
  const client = new ServiceBusClient(connectionString);
  try {
    const receiver = await client.acceptSession(queue, sessionId, { maxAutoLockRenewalDurationInMs: 0 });
    for (let i = 0; i < warmup; i++) await receiver.renewSessionLock();
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const t = nowMs();
      await receiver.renewSessionLock();
      samples.push(nowMs() - t);
    }
    await receiver.close();
    return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
  } finally {
    await client.close();
  }
}

import { ServiceBusClient, type ServiceBusSessionReceiver } from '@azure/service-bus';
import { nowMs } from '../lib/stats';

/** Result of holding many sessions. */
export interface HoldResult {
  accepted: number;
  lost: number;
  acceptMs: number;
  holdMs: number;
  /** CPU (user + system) spent by this process during the hold phase, ms. */
  cpuMs: number;
  note?: string;
}

/**
 * The official SDK: `count` acceptSession calls on one client (one connection), each with
 * `maxAutoLockRenewalDurationInMs` covering the hold. Accepting stops early (noted) if it takes
 * longer than the hold itself; an accept that fails is counted in the note. Lost = receivers closed or
 * locks past expiry at the end.
 */
export async function holdWithSdk(connectionString: string, queue: string, count: number, holdMs: number, prefix: string): Promise<HoldResult> {
  const client = new ServiceBusClient(connectionString);
  const receivers: ServiceBusSessionReceiver[] = [];
  const startAccept = nowMs();
  let note: string | undefined;
  let acceptFailures = 0;
  let lastAcceptError: string | undefined;
  const concurrency = 50;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      if (nowMs() - startAccept > holdMs) {
        note = `accept phase stopped after ${Math.round(nowMs() - startAccept)} ms`;
        return;
      }
      const id = `${prefix}-${next++}`;
      try {
        receivers.push(await client.acceptSession(queue, id, { maxAutoLockRenewalDurationInMs: holdMs * 2 + 120_000 }));
      } catch (e) {
        // As far as it goes: a refused or timed-out accept is counted, not fatal.
        acceptFailures++;
        lastAcceptError = String((e as Error)?.message ?? e).slice(0, 160);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const acceptMs = nowMs() - startAccept;
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, holdMs));
  const cpu = process.cpuUsage(cpu0);
  const now = Date.now();
  const lost = receivers.filter((r) => r.isClosed || r.sessionLockedUntilUtc === undefined || r.sessionLockedUntilUtc.getTime() < now).length;
  await client.close();
  if (acceptFailures > 0) note = `${note ? `${note}; ` : ''}${acceptFailures} accepts failed (last: ${lastAcceptError})`;
  return { accepted: receivers.length, lost, acceptMs, holdMs, cpuMs: (cpu.user + cpu.system) / 1000, ...(note ? { note } : {}) };
}

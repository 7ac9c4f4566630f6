import { firstValueFrom, from, mergeMap, toArray } from 'rxjs';
import { ServiceBusClient, type Session } from '../../src';
import { nowMs } from '../lib/stats';
import type { HoldResult } from './scaleSdk';

/**
 * servicebus-rx: `count` sessions accepted on one client (one connection) with the `autoRenew`
 * option (one shared deadline queue drives every renewal and tick), held for `holdMs`.
 * Lost = sessions whose `lock$` emitted `lost` before the end.
 */
export async function holdWithRx(connectionString: string, queue: string, count: number, holdMs: number, prefix: string): Promise<HoldResult> {
  const client = new ServiceBusClient(connectionString);
  let lost = 0;
  const startAccept = nowMs();
  const sessions: Session[] = await firstValueFrom(
    from(Array.from({ length: count }, (_, i) => `${prefix}-${i}`)).pipe(
      mergeMap((id) => client.acceptSession(queue, id, { autoRenew: { maxDuration: holdMs * 2 + 120_000 } }), 200),
      toArray(),
    ),
  );
  const acceptMs = nowMs() - startAccept;
  for (const s of sessions) {
    s.lock$.subscribe((state) => {
      if (state.kind === 'lost') lost += 1;
    });
  }
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, holdMs));
  const cpu = process.cpuUsage(cpu0);
  const lostDuringHold = lost;
  await client.close();
  return { accepted: sessions.length, lost: lostDuringHold, acceptMs, holdMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

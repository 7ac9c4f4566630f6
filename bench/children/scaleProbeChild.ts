/**
 * Probe child (not part of the bench): the scale scenario of scaleRx.ts (same accept, same lock$
 * subscription, same hold) with a memory breakdown: live heap after accepting (two full GCs with
 * --expose-gc), then process.memoryUsage() every 250 ms as CSV on stdout lines prefixed `mem,`.
 * argv: connectionString, queue, count, holdMs, prefix. Env PROBE_SNAPSHOT=<file>: heap snapshot after accept;
 * PROBE_ALLOC_PROFILE=<file>: sampling heap profile of the hold (objects collected by GCs included; with
 * PROBE_PROFILE_ACCEPT=1 of the accepts and the hold).
 */
import { firstValueFrom, from, mergeMap, toArray } from 'rxjs';
import * as v8 from 'node:v8';
import { Session as InspectorSession } from 'node:inspector';
import * as fs from 'node:fs';
import { ServiceBusClient, type Session } from '../../src';

const [connectionString, queue, countText, holdText, prefix] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
const t0 = Date.now();
const mb = (n: number): string => (n / 2 ** 20).toFixed(1);
let renewed = 0;
let lost = 0;
function sample(tag: string): void {
  const m = process.memoryUsage();
  console.log(`mem,${tag},${((Date.now() - t0) / 1000).toFixed(1)},${mb(m.rss)},${mb(m.heapUsed)},${mb(m.heapTotal)},${mb(m.external)},${mb(m.arrayBuffers)},${renewed},${lost}`);
}

const profileFile = process.env['PROBE_ALLOC_PROFILE'];
/** PROBE_PROFILE_ACCEPT=1: the profile covers the accepts (and the hold) instead of the hold alone. */
const profileAccept = process.env['PROBE_PROFILE_ACCEPT'] === '1';
const inspector = profileFile ? new InspectorSession() : undefined;
const post = (method: string, params?: object): Promise<unknown> =>
  new Promise((resolve, reject) => inspector!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
async function startProfile(): Promise<void> {
  inspector!.connect();
  await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
}

async function main(): Promise<void> {
  const count = Number(countText);
  const holdMs = Number(holdText);
  if (inspector && profileAccept) await startProfile();
  const client = new ServiceBusClient(connectionString!);
  const sessions: Session[] = await firstValueFrom(
    from(Array.from({ length: count }, (_, i) => `${prefix}-${i}`)).pipe(
      mergeMap((id) => client.acceptSession(queue!, id, { autoRenew: { maxDuration: holdMs * 2 + 120_000 } }), 200),
      toArray(),
    ),
  );
  for (const s of sessions) {
    s.lock$.subscribe((state) => {
      if (state.kind === 'lost') lost += 1;
      else if (state.kind === 'renewed') renewed += 1;
    });
  }
  sample('accepted');
  if (gc) {
    gc();
    gc();
    sample('live');
  }
  if (process.env['PROBE_SNAPSHOT']) v8.writeHeapSnapshot(process.env['PROBE_SNAPSHOT']);
  if (inspector && !profileAccept) await startProfile();
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
    sample('hold');
  }, 250);
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, holdMs));
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  if (inspector) {
    const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: unknown };
    fs.writeFileSync(profileFile!, JSON.stringify(profile));
  }
  if (gc) {
    gc();
    gc();
    sample('live-end');
  }
  console.log(`result,${JSON.stringify({ accepted: sessions.length, lost, renewed, rssPeakMb: peak / 2 ** 20, cpuMs: (cpu.user + cpu.system) / 1000 })}`);
  await client.close();
  process.exit(0);
}
main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

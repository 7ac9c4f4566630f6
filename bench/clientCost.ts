/**
 * Probe (not part of the bench; `node build/bench/clientCost.js [msg|renew] [alloc]` after `npm run build`
 * and `tsc -p tsconfig.bench.json`): the client's cost per message of scenario 3a (one session, receive +
 * complete, credit 1000) and per public `renewLock()` call (50 warm-up calls, then PROBE_CALLS), as
 * load-robust measures: client CPU (process.cpuUsage), the broker child's CPU (/proc utime + stime),
 * scavenges and GC time (perf_hooks), the wall time of the measured session (with both CPU figures it shows how
 * much of it either process was busy), and with `alloc` the bytes allocated (V8's sampling heap profiler,
 * collected objects included; it slows the run, so CPU figures of an `alloc` run are not comparable).
 * Messages: a warm-up session, then a measured one of PROBE_MESSAGES (default 30 000). Linux only.
 */
import { Session as InspectorSession } from 'node:inspector';
import { PerformanceObserver } from 'node:perf_hooks';
import { firstValueFrom, lastValueFrom, mergeMap, take } from 'rxjs';
import { ServiceBusClient } from '../src';
import { startBrokerProcess } from './lib/brokerProcess';
import { processCpuUs } from './lib/processCpu';
import { rawSend } from './lib/rawSender';
import { runToExit } from './lib/runToExit';

const MODE = process.argv[2] === 'renew' ? 'renew' : 'msg';
const ALLOC = process.argv[3] === 'alloc';
const MESSAGES = Number(process.env['PROBE_MESSAGES'] ?? 30_000);
const CALLS = Number(process.env['PROBE_CALLS'] ?? 1000);


let gcs = 0;
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcs++;
    gcMs += entry.duration;
  }
}).observe({ entryTypes: ['gc'] });

const inspector = new InspectorSession();
inspector.connect();
const post = <T>(method: string, params: object = {}): Promise<T> =>
  new Promise((resolve, reject) => inspector.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))));

interface HeapNode {
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated from here until `stop` is called (undefined without `alloc`). */
async function allocation(): Promise<() => Promise<number | undefined>> {
  if (!ALLOC) return () => Promise.resolve(undefined);
  await post('HeapProfiler.startSampling', { samplingInterval: 128, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = await post<{ profile: { head: HeapNode } }>('HeapProfiler.stopSampling');
    const sum = (node: HeapNode): number => node.selfSize + node.children.reduce((total, child) => total + sum(child), 0);
    return sum(profile.head);
  };
}

function line(what: string, n: number, clientUs: number, brokerUs: number, bytes: number | undefined, extra = ''): string {
  const alloc = bytes === undefined ? '' : `, ${(bytes / n).toFixed(0)} B allocated`;
  return `${what}: client ${(clientUs / n).toFixed(2)} µs CPU, broker ${(brokerUs / n).toFixed(2)} µs CPU${alloc}; ${gcs} GCs (${gcMs.toFixed(1)} ms)${extra}`;
}

async function main(): Promise<void> {
  const broker = await startBrokerProcess();
  const client = new ServiceBusClient(broker.connectionString);
  try {
    if (MODE === 'msg') {
      for (const round of ['warm-up', 'measured']) {
        const sessionId = `cost-${round}`;
        await rawSend({ port: broker.port, address: 'bench-sq', count: MESSAGES, cbs: true, sessionId });
        const session = await firstValueFrom(client.acceptSession('bench-sq', sessionId, { maxCredit: 1000 }));
        const stop = round === 'measured' ? await allocation() : undefined;
        gcs = 0;
        gcMs = 0;
        const broker0 = processCpuUs(broker.pid);
        const cpu0 = process.cpuUsage();
        const wall0 = performance.now();
        await lastValueFrom(session.messages$.pipe(take(MESSAGES), mergeMap((m) => m.complete(), 1000)), { defaultValue: undefined });
        const wallUs = (performance.now() - wall0) * 1000;
        const cpu = process.cpuUsage(cpu0);
        const brokerUs = processCpuUs(broker.pid) - broker0;
        const bytes = await stop?.();
        await session.close();
        const wall = `; wall ${(wallUs / MESSAGES).toFixed(2)} µs per message (${Math.round(MESSAGES / (wallUs / 1e6))} msg/s)`;
        if (stop) console.log(line('per message', MESSAGES, cpu.user + cpu.system, brokerUs, bytes, wall));
      }
    } else {
      await rawSend({ port: broker.port, address: 'bench-sq', count: 1, cbs: true, sessionId: 'cost-renew' });
      const session = await firstValueFrom(client.acceptSession('bench-sq', 'cost-renew'));
      for (let i = 0; i < 50; i++) await firstValueFrom(session.renewLock());
      const stop = await allocation();
      gcs = 0;
      gcMs = 0;
      const broker0 = processCpuUs(broker.pid);
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < CALLS; i++) await firstValueFrom(session.renewLock());
      const cpu = process.cpuUsage(cpu0);
      const brokerUs = processCpuUs(broker.pid) - broker0;
      const bytes = await stop();
      await session.close();
      console.log(line('per renewLock()', CALLS, cpu.user + cpu.system, brokerUs, bytes));
    }
  } finally {
    await client.close();
    await broker.stop();
  }
}

runToExit(main);

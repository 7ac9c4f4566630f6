/** Probe (not part of the bench; `node build/bench/renewProbe.js` after `npm run bench`): CPU and latency per public renewLock() vs the auto-renewal callback core, in one process, two warm rounds. */
import { firstValueFrom } from 'rxjs';
import { ServiceBusClient } from '../src';
import { startBrokerProcess } from './lib/brokerProcess';
import { rawSend } from './lib/rawSender';
import { runToExit } from './lib/runToExit';
import { nowMs, percentile } from './lib/stats';

async function main(): Promise<void> {
  const broker = await startBrokerProcess();
  await rawSend({ port: broker.port, address: 'bench-sq', count: 1, cbs: true, sessionId: 'probe' });
  const client = new ServiceBusClient(broker.connectionString);
  const session = await firstValueFrom(client.acceptSession('bench-sq', 'probe'));
  const n = 3000;
  const core = (session as unknown as { renewNow: (d: (e: unknown, u: Date | undefined) => void) => () => void }).renewNow;
  for (let round = 0; round < 2; round++) {
    for (const mode of ['renewLock()', 'auto-renewal core']) {
      const lat: number[] = [];
      const c0 = process.cpuUsage();
      const t0 = nowMs();
      for (let i = 0; i < n; i++) {
        const t = nowMs();
        if (mode === 'renewLock()') await firstValueFrom(session.renewLock());
        else await new Promise<void>((res, rej) => core((e) => (e ? rej(e) : res())));
        lat.push(nowMs() - t);
      }
      const cpu = process.cpuUsage(c0);
      console.log(`${mode}: ${((cpu.user + cpu.system) / n).toFixed(1)} µs CPU/call, wall ${((nowMs() - t0) / n).toFixed(3)} ms/call, p50 ${percentile(lat, 50).toFixed(3)} p99 ${percentile(lat, 99).toFixed(3)}`);
    }
  }
  await session.close();
  await client.close();
  await broker.stop();
}
runToExit(main);

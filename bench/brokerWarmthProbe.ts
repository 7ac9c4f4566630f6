/**
 * Probe (not part of the bench; `node build/bench/brokerWarmthProbe.js` after `npm run bench`, or after
 * `npm run build && npx tsc -p tsconfig.bench.json`): scenario 3a's servicebus-rx run (`rxOneSession`,
 * PROBE_MESSAGES messages, default 20 000, pre-loaded in one session) PROBE_RUNS times (default 5) in this
 * process, first against one broker kept for every run, then against a fresh broker for each run, as the
 * bench starts one per run. Prints each run's msg/s and the CPU per message of this process (the client)
 * and of the broker (all its threads, from /proc: its optimizing compiler included). Linux only.
 */
import { startBrokerProcess, type BrokerProcess } from './lib/brokerProcess';
import { processCpuUs } from './lib/processCpu';
import { rawSend } from './lib/rawSender';
import { runToExit } from './lib/runToExit';
import { rxOneSession } from './scenarios/rxSessions';

const MESSAGES = Number(process.env['PROBE_MESSAGES'] ?? 20_000);
const RUNS = Number(process.env['PROBE_RUNS'] ?? 5);


async function measure(broker: BrokerProcess, sessionId: string): Promise<string> {
  await rawSend({ port: broker.port, address: 'bench-sq', count: MESSAGES, cbs: true, sessionId });
  const client0 = process.cpuUsage();
  const broker0 = processCpuUs(broker.pid);
  const rate = await rxOneSession(broker.connectionString, 'bench-sq', sessionId, MESSAGES);
  const client = process.cpuUsage(client0);
  const brokerUs = processCpuUs(broker.pid) - broker0;
  const perMessage = (us: number): string => (us / MESSAGES).toFixed(1);
  return `${Math.round(rate)} msg/s; CPU per message: client ${perMessage(client.user + client.system)} µs, broker ${perMessage(brokerUs)} µs`;
}

async function main(): Promise<void> {
  console.log(`${MESSAGES} messages a run; one broker for all runs:`);
  const kept = await startBrokerProcess();
  try {
    for (let run = 1; run <= RUNS; run++) console.log(`  run ${run}: ${await measure(kept, `kept-${run}`)}`);
  } finally {
    await kept.stop();
  }
  console.log('a fresh broker for each run (as the bench):');
  for (let run = 1; run <= RUNS; run++) {
    const fresh = await startBrokerProcess();
    try {
      console.log(`  run ${run}: ${await measure(fresh, `fresh-${run}`)}`);
    } finally {
      await fresh.stop();
    }
  }
}

runToExit(main);

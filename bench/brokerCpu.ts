/**
 * Probe (not part of the bench; `node build/bench/brokerCpu.js` after `tsc -p tsconfig.bench.json`): the
 * broker child's CPU time per message (utime + stime from /proc/<pid>/stat), a load-robust measure of the
 * broker's per-message cost. Per round: scenario 2 (raw rhea through the broker; the broker's intake,
 * store, delivery and settlement of each message) and scenario 3a's two halves (the prefill: intake of
 * session messages; servicebus-rx receive + complete of one session: delivery and settlement).
 * Env: PROBE_ROUNDS (default 3), PROBE_RAW (default 50000), PROBE_ONE (default 20000), PROBE_ONLY
 * (`raw`, `one`, `fanout`), BENCH_BROKER_NODE_FLAGS (see brokerProcess). Linux only.
 */
import { startBrokerProcess } from './lib/brokerProcess';
import { processCpuUs } from './lib/processCpu';
import { rawSend } from './lib/rawSender';
import { runToExit } from './lib/runToExit';
import { median } from './lib/stats';
import { fanOutThroughBroker } from './scenarios/fanOut';
import { rxOneSession } from './scenarios/rxSessions';
import { rawThroughBroker } from './scenarios/wireLimit';

const ROUNDS = Number(process.env['PROBE_ROUNDS'] ?? 3);
const RAW = Number(process.env['PROBE_RAW'] ?? 50_000);
const ONE = Number(process.env['PROBE_ONE'] ?? 20_000);
const FANOUT = Number(process.env['PROBE_FANOUT'] ?? 10_000);
const ONLY = process.env['PROBE_ONLY']?.split(',') ?? ['raw', 'one'];


async function main(): Promise<void> {
  const broker = await startBrokerProcess();
  const per: Record<string, number[]> = {};
  const note = (key: string, us: number, messages: number): void => {
    (per[key] ??= []).push(us / messages);
    console.log(`  ${key}: ${(us / messages).toFixed(2)} µs/msg (${(us / 1e6).toFixed(2)} s CPU, ${messages} messages)`);
  };
  const measured = async (key: string, messages: number, work: () => Promise<unknown>): Promise<void> => {
    const before = processCpuUs(broker.pid);
    await work();
    note(key, processCpuUs(broker.pid) - before, messages);
  };
  try {
    // Warm-up: JIT the broker's paths before measuring.
    await rawThroughBroker(broker.port, 10_000);
    for (let round = 0; round < ROUNDS; round++) {
      console.log(`round ${round + 1}/${ROUNDS}`);
      if (ONLY.includes('raw')) await measured('raw (2)', RAW, () => rawThroughBroker(broker.port, RAW));
      if (ONLY.includes('one')) {
        const id = `cpu-${round}`;
        await measured('one-session prefill (3a intake)', ONE, () => rawSend({ port: broker.port, address: 'bench-sq', count: ONE, cbs: true, sessionId: id }));
        await measured('one-session rx receive+complete (3a)', ONE, () => rxOneSession(broker.connectionString, 'bench-sq', id, ONE));
      }
      if (ONLY.includes('fanout')) await measured('fanout per copy (7)', FANOUT * 10, () => fanOutThroughBroker(broker.port, 'bench-topic', 10, FANOUT));
    }
  } finally {
    await broker.stop();
  }
  console.log('medians:');
  for (const [key, values] of Object.entries(per)) console.log(`  ${key}: ${median(values).toFixed(2)} µs/msg [${values.map((v) => v.toFixed(2)).join(', ')}]`);
}
runToExit(main);

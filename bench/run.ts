/**
 * `npm run bench`: every scenario of docs/benchmarks.md, several runs each, medians, ratios taken
 * within one run. Prints a table (each target of issue 15 next to its figure) and writes
 * bench/results/latest.json (+ a dated copy). `npm run bench:quick` (BENCH_QUICK=1): one short run of
 * the key scenarios (3 runs, about a minute), written to bench/results/quick.json.
 * Env: BENCH_RUNS (default 3), BENCH_MESSAGES (default 20000), BENCH_SCALE_SESSIONS (default 10000),
 * BENCH_SCALE_HOLD_MS (default 180000; 0 skips scenario 5), BENCH_SCALE_CLIENTS (default
 * `rx,rx-capped,sdk`), BENCH_FANOUT_MESSAGES (default 10000, sent to a topic with 10 subscriptions),
 * BENCH_ONLY (comma list of scenario keys). A partial run (BENCH_ONLY) writes
 * bench/results/partial-<keys>.json and leaves latest.json (the full table) alone.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startBrokerProcess } from './lib/brokerProcess';
import { childOutcome, forkChild, stopChild } from './lib/child';
import { bareNodeStartMs } from './lib/nodeStart';
import { rawSend } from './lib/rawSender';
import { runToExit } from './lib/runToExit';
import { median, round } from './lib/stats';
import { fanOutThroughBroker } from './scenarios/fanOut';
import { rxManySessions, rxOneSession, rxRenewLatency } from './scenarios/rxSessions';
import { sdkManySessions, sdkOneSession, sdkRenewLatency } from './scenarios/sdkSessions';
import { rawThroughBroker, wireLimit } from './scenarios/wireLimit';

const QUICK = process.env['BENCH_QUICK'] === '1';
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 20_000);
/** Messages of the 100-session scenario: fewer in bench:quick (the SDK side runs at ~2k msg/s). */
const MANY_MESSAGES = QUICK ? Math.min(MESSAGES, 10_000) : MESSAGES;
/** Messages of the raw scenarios (wire limit, raw through the broker). */
const RAW_MESSAGES = QUICK ? 20_000 : 50_000;
const RENEW_CALLS = QUICK ? 300 : 1000;
/**
 * Warm-up calls before the steady-state renewal rows: in a fresh process the renew path is still being
 * compiled by V8's optimizing tier until about call 3 000 (docs/benchmarks.md), so after 50 the window compiles.
 */
const STEADY_RENEW_WARMUP = 5000;
/** Extra broker starts per run for the cold-start median (each is ~0.15 s). */
const EXTRA_COLD_STARTS = 2;
const SCALE_SESSIONS = Number(process.env['BENCH_SCALE_SESSIONS'] ?? 10_000);
const SCALE_HOLD_MS = Number(process.env['BENCH_SCALE_HOLD_MS'] ?? 180_000);
const SCALE_CLIENTS = (process.env['BENCH_SCALE_CLIENTS'] ?? 'rx,rx-capped,sdk').split(',');
const FANOUT_MESSAGES = Number(process.env['BENCH_FANOUT_MESSAGES'] ?? 10_000);
/** Subscriptions of `bench-topic` in bench/config.json. */
const FANOUT_SUBSCRIPTIONS = 10;
/** The V8 heap cap of the `rx-capped` scale run: the deployment setting docs/benchmarks.md discusses. */
const CAPPED_HEAP_MB = 200;
const ONLY = process.env['BENCH_ONLY']?.split(',') ?? (QUICK ? ['wire', 'raw', 'one', 'many', 'renew', 'cold'] : undefined);
const want = (key: string): boolean => !ONLY || ONLY.includes(key);

const STALL_MS = 60_000;
const stalls: string[] = [];

/** Resolves with the value, or `undefined` if it takes longer than `ms` (the work is left behind). */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

type Samples = Record<string, number[]>;
const samples: Samples = {};
const record = (key: string, value: number): void => {
  (samples[key] ??= []).push(value);
  console.error(`  ${key}: ${round(value)}`);
};

async function prefill(port: number, queue: string, sessions: readonly string[], perSession: number): Promise<void> {
  for (const sessionId of sessions) await rawSend({ port, address: queue, count: perSession, cbs: true, sessionId });
}

/** rx and the SDK's two best ways on one session each; returns the ratio rx / best SDK. */
async function oneSession(port: number, cs: string, tag: string, withSequential: boolean): Promise<void> {
  const ids = [`${tag}-rx`, `${tag}-sdk-batch`, `${tag}-sdk-sub`, `${tag}-sdk-seq`];
  await prefill(port, 'bench-sq', withSequential ? ids : ids.slice(0, 3), MESSAGES);
  const rx = await rxOneSession(cs, 'bench-sq', ids[0]!, MESSAGES);
  const batch = await sdkOneSession(cs, 'bench-sq', ids[1]!, MESSAGES, 'batch');
  const sub = await sdkOneSession(cs, 'bench-sq', ids[2]!, MESSAGES, 'subscribe');
  const prefix = tag.startsWith('busy') ? 'one_session_busy' : 'one_session';
  record(`${prefix}_rx_msg_s`, rx);
  record(`${prefix}_sdk_batch_msg_s`, batch);
  record(`${prefix}_sdk_subscribe_msg_s`, sub);
  if (withSequential) record(`${prefix}_sdk_sequential_msg_s`, await sdkOneSession(cs, 'bench-sq', ids[3]!, MESSAGES, 'sequential'));
  record(`${prefix}_ratio_rx_vs_best_sdk`, rx / Math.max(batch, sub));
}

async function oneRun(run: number): Promise<void> {
  console.error(`run ${run + 1}/${RUNS}`);
  if (want('wire')) record('wire_limit_msg_s', await wireLimit(RAW_MESSAGES));
  if (want('cold')) {
    // Extra starts before the measured broker: the cold start is the median of all of them.
    for (let i = 0; i < EXTRA_COLD_STARTS; i++) {
      const extra = await startBrokerProcess();
      record('broker_cold_start_ms', extra.coldStartMs);
      await extra.stop();
      // Context, not a target: the same measurement of a bare Node process (the machine's floor).
      record('node_bare_start_ms', await bareNodeStartMs());
    }
  }
  const broker = await startBrokerProcess();
  record('broker_cold_start_ms', broker.coldStartMs);
  try {
    const cs = broker.connectionString;
    let queueRate: number | undefined;
    if (want('raw')) {
      queueRate = await rawThroughBroker(broker.port, RAW_MESSAGES);
      record('raw_through_broker_msg_s', queueRate);
      const wire = samples['wire_limit_msg_s']?.[run];
      if (wire !== undefined) record('raw_through_broker_ratio_of_wire', queueRate / wire);
    }
    if (want('fanout')) {
      const fan = await fanOutThroughBroker(broker.port, 'bench-topic', FANOUT_SUBSCRIPTIONS, FANOUT_MESSAGES);
      // The queue rate next to it, from the same broker process (scenario 2's, when it ran).
      queueRate ??= await rawThroughBroker(broker.port, RAW_MESSAGES);
      record('fanout_topic_in_msg_s', fan.topicMsgS);
      record('fanout_deliveries_msg_s', fan.deliveriesMsgS);
      record('fanout_queue_msg_s', queueRate);
      record('fanout_deliveries_vs_queue', fan.deliveriesMsgS / queueRate);
    }
    if (want('busy')) {
      // The CPU-contention variant: another process keeps one of the cores busy throughout.
      const { child: busy } = await forkChild(path.join(__dirname, 'children', 'busyCore.js'));
      try {
        await oneSession(broker.port, cs, `busy-${run}`, false);
      } finally {
        await stopChild(busy);
      }
    }
    if (QUICK && want('one')) await oneSession(broker.port, cs, `one-${run}`, false);
    if (!QUICK && want('one')) {
      const ids = [`one-rx-${run}`, `one-sdk-batch-${run}`, `one-sdk-sub-${run}`, `one-sdk-seq-${run}`];
      await prefill(broker.port, 'bench-sq', ids, MESSAGES);
      const rx = await rxOneSession(cs, 'bench-sq', ids[0]!, MESSAGES);
      const batch = await sdkOneSession(cs, 'bench-sq', ids[1]!, MESSAGES, 'batch');
      const sub = await sdkOneSession(cs, 'bench-sq', ids[2]!, MESSAGES, 'subscribe');
      const seq = await sdkOneSession(cs, 'bench-sq', ids[3]!, MESSAGES, 'sequential');
      record('one_session_rx_msg_s', rx);
      record('one_session_sdk_batch_msg_s', batch);
      record('one_session_sdk_subscribe_msg_s', sub);
      record('one_session_sdk_sequential_msg_s', seq);
      record('one_session_ratio_rx_vs_best_sdk', rx / Math.max(batch, sub));
    }
    if (want('many')) {
      const per = Math.max(1, Math.floor(MANY_MESSAGES / 100));
      await prefill(broker.port, 'bench-sq', Array.from({ length: 100 }, (_, i) => `many-sdk-${run}-${i}`), per);
      const sdk = await sdkManySessions(cs, 'bench-sq', per * 100, 100);
      await prefill(broker.port, 'bench-sq', Array.from({ length: 100 }, (_, i) => `many-rx-${run}-${i}`), per);
      // A stall here is a finding, not a crash: the run is recorded as stalled and the table still prints.
      const rx = await withinMs(rxManySessions(cs, 'bench-sq', per * 100, 100), STALL_MS);
      record('hundred_sessions_sdk_msg_s', sdk);
      if (rx === undefined) {
        stalls.push(`run ${run + 1}: the servicebus-rx pool did not finish 100 sessions within ${STALL_MS} ms`);
      } else {
        record('hundred_sessions_rx_pool_msg_s', rx);
        record('hundred_sessions_ratio', rx / sdk);
      }
    }
    if (want('renew')) {
      const rx = await rxRenewLatency(cs, 'bench-sq', `renew-rx-${run}`, RENEW_CALLS);
      const sdk = await sdkRenewLatency(cs, 'bench-sq', `renew-sdk-${run}`, RENEW_CALLS);
      record('renew_rx_p50_ms', rx.p50);
      record('renew_rx_p99_ms', rx.p99);
      record('renew_sdk_p50_ms', sdk.p50);
      record('renew_sdk_p99_ms', sdk.p99);
      if (!QUICK) {
        // Not the target's method: the same measurement after STEADY_RENEW_WARMUP warm-up calls, each
        // client in a fresh process of its own, so the rows above (this process, 50 warm-up calls) are
        // measured after exactly the same work as before this row existed.
        record('renew_rx_steady_p99_ms', (await steadyRenew('rx', cs, `renew-rx-steady-${run}`)).p99);
        record('renew_sdk_steady_p99_ms', (await steadyRenew('sdk', cs, `renew-sdk-steady-${run}`)).p99);
      }
    }
  } finally {
    await broker.stop();
  }
}

/** `renewLock` (rx) or `renewSessionLock` (sdk) p50/p99 after STEADY_RENEW_WARMUP warm-up calls, in a child process. */
async function steadyRenew(impl: 'rx' | 'sdk', cs: string, sessionId: string): Promise<{ p50: number; p99: number }> {
  const args = [impl, cs, 'bench-sq', sessionId, String(RENEW_CALLS), String(STEADY_RENEW_WARMUP)];
  const outcome = await childOutcome(path.join(__dirname, 'children', 'renewSteady.js'), args);
  if (outcome.type === 'failed') throw new Error(`steady renewal (${impl}) failed: ${String(outcome['message'])}`);
  return { p50: Number(outcome['p50']), p99: Number(outcome['p99']) };
}

/** One scale run: `rx`, `rx-capped` (the same client under `--max-old-space-size`) or `sdk`. */
async function scale(run: string): Promise<Record<string, unknown>> {
  const broker = await startBrokerProcess();
  try {
    const script = path.join(__dirname, 'children', 'scaleHolder.js');
    const impl = run === 'sdk' ? 'sdk' : 'rx';
    const execArgv = run === 'rx-capped' ? [`--max-old-space-size=${CAPPED_HEAP_MB}`] : [];
    const args = [impl, broker.connectionString, 'bench-scale', String(SCALE_SESSIONS), String(SCALE_HOLD_MS), `scale-${run}`];
    const outcome = await childOutcome(script, args, execArgv);
    if (execArgv.length > 0) outcome['nodeOptions'] = execArgv.join(' ');
    console.error(`  scale ${run}: ${JSON.stringify(outcome)}`);
    return outcome;
  } finally {
    await broker.stop();
  }
}

async function main(): Promise<void> {
  for (let run = 0; run < RUNS; run++) await oneRun(run);
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, round(median(v))]));
  const scaleResults: Record<string, unknown> = {};
  if (SCALE_HOLD_MS > 0 && want('scale')) {
    console.error(`scale: ${SCALE_SESSIONS} sessions, ${SCALE_HOLD_MS} ms`);
    for (const run of SCALE_CLIENTS) scaleResults[run] = await scale(run);
  }
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: round(os.totalmem() / 2 ** 30, 1), node: process.version },
    runs: RUNS,
    messagesPerScenario: MESSAGES,
    medians,
    samples,
    scale: scaleResults,
    stalls,
  };
  console.log('\nscenario                                   median   (runs)');
  for (const [k, v] of Object.entries(medians)) console.log(`${k.padEnd(42)} ${String(v).padStart(9)}   ${samples[k]!.map((x) => round(x, 1)).join(', ')}`);
  for (const [impl, r] of Object.entries(scaleResults)) console.log(`scale ${impl}: ${JSON.stringify(r)}`);
  for (const stall of stalls) console.log(`STALLED: ${stall}`);
  printTargets(medians, scaleResults);
  const dir = path.join(__dirname, '..', '..', 'bench', 'results');
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(result, null, 2) + '\n';
  if (QUICK) {
    fs.writeFileSync(path.join(dir, 'quick.json'), json);
  } else if (ONLY) {
    fs.writeFileSync(path.join(dir, `partial-${ONLY.join('-')}.json`), json);
  } else {
    fs.writeFileSync(path.join(dir, 'latest.json'), json);
    fs.writeFileSync(path.join(dir, `${result.date.slice(0, 10)}.json`), json);
  }
}

/** Issue 15's targets, each next to the figure it bounds (✓ met, ✗ missed, · not measured). */
const TARGETS: ReadonlyArray<{ key: string; label: string; min?: number; max?: number }> = [
  { key: 'one_session_ratio_rx_vs_best_sdk', label: 'one session vs best SDK way (×)', min: 2.5 },
  { key: 'one_session_busy_ratio_rx_vs_best_sdk', label: 'one session, one core busy (×)', min: 2 },
  { key: 'hundred_sessions_ratio', label: '100 sessions vs SDK (×)', min: 5 },
  { key: 'renew_rx_p99_ms', label: 'renewLock p99 (ms)', max: 1 },
  { key: 'raw_through_broker_ratio_of_wire', label: 'raw through broker / wire', min: 0.6 },
  { key: 'broker_cold_start_ms', label: 'broker cold start median (ms)', max: 150 },
];

function printTargets(medians: Record<string, number>, scaleResults: Record<string, unknown>): void {
  console.log('\ntarget                                   figure   threshold');
  const line = (label: string, value: number | undefined, ok: boolean, threshold: string): void =>
    console.log(`${value === undefined ? '·' : ok ? '✓' : '✗'} ${label.padEnd(38)} ${String(value ?? '-').padStart(8)}   ${threshold}`);
  for (const t of TARGETS) {
    const v = medians[t.key];
    const ok = v !== undefined && (t.min === undefined || v >= t.min) && (t.max === undefined || (t.key === 'broker_cold_start_ms' ? v < t.max : v <= t.max));
    line(t.label, v, ok, t.min !== undefined ? `≥ ${t.min}` : t.key === 'broker_cold_start_ms' ? `< ${t.max}` : `≤ ${t.max}`);
  }
  const bare = medians['node_bare_start_ms'];
  if (bare !== undefined) {
    console.log(`  ${'bare node start, same method (ms)'.padEnd(38)} ${String(bare).padStart(8)}   this machine's floor under the cold start; not a target`);
  }
  const steady = medians['renew_rx_steady_p99_ms'];
  if (steady !== undefined) {
    console.log(`  ${`renewLock p99 after ${STEADY_RENEW_WARMUP} warm-up (ms)`.padEnd(38)} ${String(steady).padStart(8)}   steady state; not the target's method (the row above)`);
  }
  const rx = scaleResults['rx'] as { lost?: number; rssPeakMb?: number } | undefined;
  line('10k sessions, Node defaults: RSS (MB)', rx?.rssPeakMb === undefined ? undefined : round(rx.rssPeakMb, 0), (rx?.rssPeakMb ?? Infinity) <= 250 && rx?.lost === 0, '≤ 250, 0 lost');
}

runToExit(main);

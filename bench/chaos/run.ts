/**
 * `npm run chaos`: the client under faults. A broker process, two consumer processes (each a session
 * pool with auto-renewal and async handlers honouring the message's AbortSignal), each behind its own
 * fault proxy, and one scenario after another: connection cuts, a blackholed network, added latency,
 * an event-loop stall, slow handlers, a broker restart. Per scenario it prints lost messages,
 * duplicate completions, overlapping handlers on one session, actions of an old owner after the new
 * owner started, settlement failures by error, and the time to recover; writes
 * bench/results/chaos-latest.json. Bounded: each scenario drains within CHAOS_DRAIN_MS or counts
 * what is missing as lost.
 * Env: CHAOS_SESSIONS (per scenario, default 30), CHAOS_PER_SESSION (default 20), CHAOS_POOL (sessions
 * per process, default 20: either consumer can take over every session the other loses), CHAOS_ONLY (comma list of scenario keys), CHAOS_DRAIN_MS (default 45000).
 */
import { type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { ServiceBusClient } from '../../src';
import { startFaultProxy, type FaultProxy } from '../../test/faults/FaultProxy';
import { startBrokerProcess, type BrokerProcess } from '../lib/brokerProcess';
import { forkChild, nextMessage } from '../lib/child';
import { wallMs, type ChaosBody, type ChaosEvent } from './ChaosEvent';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const QUEUE = 'chaos-sq';
const LOCK_MS = 5_000;
const SESSIONS = Number(process.env['CHAOS_SESSIONS'] ?? 30);
const PER_SESSION = Number(process.env['CHAOS_PER_SESSION'] ?? 20);
const POOL = Number(process.env['CHAOS_POOL'] ?? 20);
const DRAIN_MS = Number(process.env['CHAOS_DRAIN_MS'] ?? 45_000);
const ONLY = process.env['CHAOS_ONLY']?.split(',');
/** The error of a settlement whose outcome is unknown (it may have been applied). */
const UNKNOWN = 'SettlementOutcomeUnknownError';

type Key = 'cut' | 'blackhole' | 'latency' | 'stall' | 'slow' | 'restart';
const KEYS: readonly Key[] = ['cut', 'blackhole', 'latency', 'stall', 'slow', 'restart'];

interface Rig {
  broker: BrokerProcess;
  producer: ServiceBusClient;
  readonly proxies: { readonly A: FaultProxy; readonly B: FaultProxy };
  readonly children: { readonly A: ChildProcess; readonly B: ChildProcess };
  readonly log: LogReader;
}

/** When the fault began and ended (wall-clock ms) and which consumer it hit. */
interface Window {
  readonly start: number;
  readonly end: number;
  readonly hit: 'A' | 'both';
}

interface Result {
  readonly scenario: Key;
  readonly sent: number;
  /** Neither completed nor settled with an unknown outcome (which may have been applied). */
  readonly lost: number;
  /** Not completed, last seen failing with an unknown outcome (applied or not: the broker knows). */
  readonly unknownNotSeenAgain: number;
  readonly duplicateCompletions: number;
  readonly overlappingHandlers: number;
  readonly oldOwnerAfterNew: number;
  /** Sessions the other consumer took over during a fault (or within 2 s of its end). */
  readonly takeovers: number;
  readonly settleFailures: Record<string, number>;
  readonly locksLost: number;
  /** `Infinity` (`null` in the JSON file) when a faulted consumer never completed a message again. */
  readonly recoveryMs: number;
  /** Blackhole only: the latest close of a blackholed client connection after that process's first lost lock. */
  readonly closedAfterLockLossMs?: number;
  readonly faultMs: number;
  readonly drainMs: number;
}

/** Reads the shared log as the consumers append to it. */
class LogReader {
  readonly events: ChaosEvent[] = [];
  private offset = 0;
  private rest = '';
  constructor(private readonly file: string) {}
  poll(): void {
    const size = fs.statSync(this.file).size;
    if (size <= this.offset) return;
    const fd = fs.openSync(this.file, 'r');
    const buf = Buffer.alloc(size - this.offset);
    fs.readSync(fd, buf, 0, buf.length, this.offset);
    fs.closeSync(fd);
    this.offset = size;
    const lines = (this.rest + buf.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) if (line) this.events.push(JSON.parse(line) as ChaosEvent);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** Handler work per message (ms): 60–140, fixed by position; the slow scenario adds handlers longer than the lock. */
function workOf(key: Key, session: number, index: number): number {
  if (key === 'slow' && index === 0 && session % 3 === 0) return LOCK_MS + 2_000;
  return 60 + ((session * 7 + index * 13) % 81);
}

async function send(rig: Rig, key: Key): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let s = 0; s < SESSIONS; s++) {
    const sessionId = `${key}-${s}`;
    const batch = Array.from({ length: PER_SESSION }, (_, i) => {
      const body: ChaosBody = { id: `${sessionId}-${i}`, work: workOf(key, s, i) };
      ids.add(body.id);
      return { body, sessionId };
    });
    await lastValueFrom(rig.producer.send(QUEUE, batch), { defaultValue: undefined });
  }
  return ids;
}

async function restartBroker(rig: Rig): Promise<Window[]> {
  const start = wallMs();
  // A crash, not a graceful stop: the broker's sockets are reset under the clients.
  process.kill(rig.broker.pid, 'SIGKILL');
  await rig.broker.stop().catch(() => undefined);
  await rig.producer.close();
  rig.broker = await startBrokerProcess(path.join(ROOT, 'bench', 'chaos', 'config.json'));
  rig.producer = new ServiceBusClient(rig.broker.connectionString);
  for (const proxy of [rig.proxies.A, rig.proxies.B]) proxy.retarget({ host: '127.0.0.1', port: rig.broker.port });
  return [{ start, end: wallMs(), hit: 'both' }];
}

/** Applies the scenario's fault; returns its windows (one per cut). */
async function inject(rig: Rig, key: Key): Promise<Window[]> {
  const { A, B } = rig.proxies;
  switch (key) {
    case 'cut': {
      const windows: Window[] = [];
      for (let i = 0; i < 3; i++) {
        if (i > 0) await sleep(1_500);
        const at = wallMs();
        A.cut();
        windows.push({ start: at, end: at, hit: 'A' });
      }
      return windows;
    }
    case 'blackhole': {
      const start = wallMs();
      A.blackhole();
      await sleep(LOCK_MS + 6_000);
      A.heal();
      return [{ start, end: wallMs(), hit: 'A' }];
    }
    case 'latency': {
      const start = wallMs();
      A.latency(1_000);
      B.latency(1_000);
      await sleep(6_000);
      A.heal();
      B.heal();
      return [{ start, end: wallMs(), hit: 'both' }];
    }
    case 'stall': {
      const ms = LOCK_MS + 2_000;
      const asked = rig.log.events.length;
      rig.children.A.send({ type: 'stall', ms });
      await until(() => {
        rig.log.poll();
        return rig.log.events.slice(asked).some((e) => e.e === 'wake');
      }, ms + 10_000);
      const wake = rig.log.events.slice(asked).find((e) => e.e === 'wake');
      const end = wake?.t ?? wallMs();
      return [{ start: end - ms, end, hit: 'A' }];
    }
    case 'slow':
    case 'restart':
      return [];
  }
}

async function runScenario(rig: Rig, key: Key): Promise<Result> {
  const from = rig.log.events.length;
  let windows: Window[] | undefined;
  if (key === 'restart') windows = await restartBroker(rig);
  const ids = await send(rig, key);
  const mine = (): ChaosEvent[] => rig.log.events.slice(from).filter((e) => e.s !== undefined && e.s.startsWith(`${key}-`));
  const done = (): Set<string> => new Set(mine().filter((e) => e.e === 'done').map((e) => e.id as string));
  if (windows === undefined) {
    await until(() => {
      rig.log.poll();
      return done().size >= ids.size * 0.15;
    }, 20_000);
    windows = await inject(rig, key);
  }
  await until(() => {
    rig.log.poll();
    return done().size >= ids.size;
  }, DRAIN_MS);
  await sleep(500);
  rig.log.poll();
  return measure(rig, key, ids, mine(), windows);
}

function measure(rig: Rig, key: Key, ids: Set<string>, events: ChaosEvent[], windows: Window[]): Result {
  const doneEvents = events.filter((e) => e.e === 'done');
  const doneIds = new Set(doneEvents.map((e) => e.id as string));
  const unknownIds = new Set(events.filter((e) => e.e === 'settle-failed' && e.err === UNKNOWN).map((e) => e.id as string));
  const bySession = new Map<string, ChaosEvent[]>();
  for (const e of events) {
    const list = bySession.get(e.s as string) ?? [];
    list.push(e);
    bySession.set(e.s as string, list);
  }

  let overlaps = 0;
  let oldOwnerAfterNew = 0;
  let takeovers = 0;
  let recovery = 0;
  for (const [, list] of bySession) {
    // Handler intervals: [start, end] per (owner, message).
    const open = new Map<string, number>();
    const intervals: Array<{ o: string; from: number; to: number }> = [];
    for (const e of list) {
      const k = `${e.o}|${e.id}`;
      if (e.e === 'start') open.set(k, e.t);
      if (e.e === 'end' && open.has(k)) {
        intervals.push({ o: e.o as string, from: open.get(k) as number, to: e.t });
        open.delete(k);
      }
    }
    for (const [k, from] of open) intervals.push({ o: k.split('|')[0] as string, from, to: Infinity });
    for (let i = 0; i < intervals.length; i++) {
      for (let j = i + 1; j < intervals.length; j++) {
        const a = intervals[i]!;
        const b = intervals[j]!;
        if (a.o !== b.o && a.from < b.to && b.from < a.to) overlaps++;
      }
    }
    // Side effects and completions of an owner after a later owner's first handler started.
    const firstStart = new Map<string, number>();
    for (const e of list) if (e.e === 'start' && !firstStart.has(e.o as string)) firstStart.set(e.o as string, e.t);
    const owners = [...firstStart].sort((a, b) => a[1] - b[1]);
    for (let i = 1; i < owners.length; i++) {
      const [previous] = owners[i - 1] as [string, number];
      const [next, at] = owners[i] as [string, number];
      const inFault = windows.some((w) => at >= w.start && at <= w.end + 2_000);
      if (inFault && previous.split(':')[0] !== next.split(':')[0]) takeovers++;
    }
    for (const e of list) {
      if (e.e !== 'effect' && e.e !== 'done') continue;
      const mineAt = firstStart.get(e.o as string) ?? -Infinity;
      for (const [o, at] of firstStart) if (o !== e.o && at > mineAt && e.t > at) oldOwnerAfterNew++;
    }
  }

  // Recovery: for each session a fault interrupted (held by a consumer it hit when it began, with work
  // left when it ended), from the fault's end to the session's next completion by anyone (0 when that
  // came during the fault); the slowest session counts. A restart interrupts everything: until the
  // first completion once the broker is back.
  const settled = (id: string, by: number): boolean => events.some((e) => e.id === id && e.t <= by && (e.e === 'done' || (e.e === 'settle-failed' && e.err === UNKNOWN)));
  for (const w of windows) {
    if (key === 'restart') {
      const back = doneEvents.find((e) => e.t > w.end);
      recovery = Math.max(recovery, back === undefined ? Infinity : back.t - w.end);
      continue;
    }
    for (const [sessionId, list] of bySession) {
      const held = [...list].reverse().find((e) => (e.e === 'start' || e.e === 'accept') && e.t <= w.start);
      if (held === undefined || (w.hit === 'A' && held.p !== 'A')) continue;
      const prefix = `${sessionId}-`;
      if ([...ids].every((id) => !id.startsWith(prefix) || settled(id, w.end))) continue;
      const next = list.find((e) => e.e === 'done' && e.t > w.start);
      recovery = Math.max(recovery, next === undefined ? Infinity : Math.max(0, next.t - w.end));
    }
  }

  const settleFailures: Record<string, number> = {};
  for (const e of events) if (e.e === 'settle-failed') settleFailures[e.err as string] = (settleFailures[e.err as string] ?? 0) + 1;

  let closedAfterLockLossMs: number | undefined;
  if (key === 'blackhole') {
    const w = windows[0] as Window;
    const firstLoss = events.find((e) => e.e === 'lost' && e.p === 'A' && e.t >= w.start && e.reason !== 'closed')?.t;
    // The connection A had when the blackhole began (later attempts during it are dropped too, but count from their own start).
    const closes = rig.proxies.A.closedFlows.filter((f) => f.blackholed && f.by === 'client' && f.opened < w.start);
    if (firstLoss !== undefined && closes.length > 0) closedAfterLockLossMs = Math.max(...closes.map((f) => f.closed - firstLoss));
  }

  const faultEnd = Math.max(...windows.map((w) => w.end), -Infinity);
  const faultStart = Math.min(...windows.map((w) => w.start), Infinity);
  const lastDone = Math.max(...doneEvents.map((e) => e.t));
  return {
    scenario: key,
    sent: ids.size,
    lost: [...ids].filter((id) => !doneIds.has(id) && !unknownIds.has(id)).length,
    unknownNotSeenAgain: [...ids].filter((id) => !doneIds.has(id) && unknownIds.has(id)).length,
    duplicateCompletions: doneEvents.length - doneIds.size,
    overlappingHandlers: overlaps,
    oldOwnerAfterNew,
    takeovers,
    settleFailures,
    locksLost: events.filter((e) => e.e === 'lost' && e.reason !== 'closed').length,
    recoveryMs: Math.round(recovery),
    ...(closedAfterLockLossMs === undefined ? {} : { closedAfterLockLossMs: Math.round(closedAfterLockLossMs) }),
    faultMs: windows.length === 0 ? 0 : Math.round(faultEnd - faultStart),
    drainMs: Math.round(lastDone - (windows.length === 0 ? firstSend(events) : faultEnd)),
  };
}

/** When the scenario's first handler started (the drain of a scenario without a fault counts from there). */
function firstSend(events: ChaosEvent[]): number {
  return events.find((e) => e.e === 'start')?.t ?? 0;
}

async function main(): Promise<void> {
  const started = Date.now();
  const logPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-')), 'events.jsonl');
  fs.writeFileSync(logPath, '');
  const broker = await startBrokerProcess(path.join(ROOT, 'bench', 'chaos', 'config.json'));
  const target = { host: '127.0.0.1', port: broker.port };
  const proxies = { A: await startFaultProxy(target), B: await startFaultProxy(target) };
  const script = path.join(__dirname, 'consumer.js');
  const fork = async (name: 'A' | 'B'): Promise<ChildProcess> =>
    (await forkChild(script, [name, proxies[name].connectionString(broker.connectionString), QUEUE, logPath, String(POOL)])).child;
  const children = { A: await fork('A'), B: await fork('B') };
  const rig: Rig = { broker, producer: new ServiceBusClient(broker.connectionString), proxies, children, log: new LogReader(logPath) };
  const results: Result[] = [];
  let stopped: unknown[] = [];
  try {
    for (const key of KEYS) {
      if (ONLY && !ONLY.includes(key)) continue;
      console.error(`scenario ${key}…`);
      const result = await runScenario(rig, key);
      console.error(`  ${JSON.stringify(result)}`);
      results.push(result);
    }
  } finally {
    stopped = await Promise.all(
      [children.A, children.B].map(async (child) => {
        const reply = nextMessage(child, 'stopped').catch(() => ({ type: 'stopped', failed: true }));
        child.send({ type: 'stop' });
        const answer = await Promise.race([reply, sleep(15_000).then(() => ({ type: 'stopped', timedOut: true }))]);
        if (child.exitCode === null) child.kill('SIGKILL');
        return answer;
      }),
    );
    await rig.producer.close();
    await proxies.A.close();
    await proxies.B.close();
    await rig.broker.stop();
  }

  const total = (f: (r: Result) => number): number => results.reduce((n, r) => n + f(r), 0);
  const table = results.map((r) => ({
    scenario: r.scenario,
    sent: r.sent,
    lost: r.lost,
    'unknown, not seen again': r.unknownNotSeenAgain,
    'dup completions': r.duplicateCompletions,
    'overlapping handlers': r.overlappingHandlers,
    'old owner after new': r.oldOwnerAfterNew,
    takeovers: r.takeovers,
    'locks lost': r.locksLost,
    'settle failures': Object.entries(r.settleFailures).map(([k, v]) => `${k} ${v}`).join(', ') || '-',
    'recovery ms': Number.isFinite(r.recoveryMs) ? r.recoveryMs : 'never',
    'closed after lock loss ms': r.closedAfterLockLossMs ?? '-',
  }));
  console.table(table);
  console.log(`total: ${total((r) => r.sent)} messages, ${total((r) => r.lost)} lost, ${total((r) => r.duplicateCompletions)} duplicate completions, ${total((r) => r.overlappingHandlers)} overlapping handlers; consumers at close: ${JSON.stringify(stopped)}; ${Math.round((Date.now() - started) / 1000)} s`);
  const out = path.join(ROOT, 'bench', 'results', 'chaos-latest.json');
  fs.writeFileSync(out, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, sessions: SESSIONS, perSession: PER_SESSION, pool: POOL, lockMs: LOCK_MS, results, consumersAtClose: stopped }, null, 2)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

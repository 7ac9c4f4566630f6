/**
 * `npm run fuzz`: the full, seeded fuzz run against the broker in a child process (the built CLI on a
 * free port, default limits), while an official-SDK client streams through a session queue:
 *
 *   1. ≥ `--frames` fuzzed frames (random, mutated captures, structural bombs, protocol abuse);
 *   2. `--abandoned` connections that never send a byte, and `--slowloris` that send 1 byte a second;
 *   3. a client that never reads (a peek reply loop), and an endless delivery to `$cbs`.
 *
 * Prints frames, crashes (child exits), stalls (a `$cbs` probe round trip over 1 s), the broker's RSS
 * peak against its baseline, and the SDK client's losses and lock losses. Exit code 1 when any of
 * these fails the issue-10 bar (0 crashes, 0 stalls > 1 s, RSS peak ≤ baseline + 150 MB, 0 losses).
 *
 * Usage: node build/test/fuzz/runFuzz.js [--seed N] [--frames N] [--abandoned N] [--slowloris N] [--concurrency N]
 *   [--kinds random,mutated,bomb,abuse] [--broker-heap-mb N]
 * Env FUZZ_BROKER_NODE_FLAGS: extra node flags for the broker child, space-separated (e.g. `--heap-prof`), for profiling;
 * env FUZZ_BROKER_STDOUT: a file that receives the broker child's stdout (e.g. its `--trace-gc` lines).
 */
import { ServiceBusClient, type ServiceBusReceivedMessage, type ServiceBusSessionReceiver } from '@azure/service-bus';
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import { types } from 'rhea';
import { RawClient, sasToken } from '../emulator/badInputRaw';
import { AMQP_HEADER, WireClient, amqpFrame, attachFrame, authoriseRaw } from '../emulator/hostileWire';
import type { CaseKind } from './fuzzCases';
import { runCases } from './runCases';

const args = new Map<string, number>();
let kinds: CaseKind[] | undefined;
for (let i = 2; i < process.argv.length; i += 2) {
  const name = String(process.argv[i]).replace(/^--/, '');
  if (name === 'kinds') kinds = String(process.argv[i + 1]).split(',') as CaseKind[];
  else args.set(name, Number(process.argv[i + 1]));
}
const SEED = args.get('seed') ?? 1;
const FRAMES = args.get('frames') ?? 100_000;
const ABANDONED = args.get('abandoned') ?? 1_000;
const SLOWLORIS = args.get('slowloris') ?? 100;
const CONCURRENCY = args.get('concurrency') ?? 16;
/** `--broker-heap-mb N`: run the broker with `--max-old-space-size=N` (V8 otherwise lets garbage grow the heap well past the live set). */
const BROKER_HEAP_MB = args.get('broker-heap-mb');
/** Env `FUZZ_BROKER_NODE_FLAGS`: extra node flags for the broker child, for profiling (the measured runs use none). */
const EXTRA_FLAGS = process.env['FUZZ_BROKER_NODE_FLAGS']?.split(' ').filter(Boolean) ?? [];
/** Env `FUZZ_BROKER_STDOUT`: where the broker child's stdout goes (its first line, the connection string, is read here too). */
const BROKER_STDOUT = process.env['FUZZ_BROKER_STDOUT'];
const SESSIONS = ['s0', 's1', 's2', 's3'];
const RSS_BUDGET_MB = 150;

const rssMb = (pid: number): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const cli = join(__dirname, '..', '..', '..', 'dist', 'cli', 'main.js');
  const heap = BROKER_HEAP_MB === undefined ? [] : [`--max-old-space-size=${BROKER_HEAP_MB}`];
  const child = spawn(process.execPath, [...EXTRA_FLAGS, ...heap, cli, 'emulator', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let crashed = 0;
  let stopping = false;
  let warnings = 0;
  child.on('exit', (code, signal) => {
    if (!stopping) {
      crashed++;
      log(`CRASH: the broker exited (code ${code}, signal ${signal})`);
    }
  });
  child.stderr.on('data', (data: Buffer) => (warnings += data.toString().split('warning:').length - 1));
  if (BROKER_STDOUT !== undefined) child.stdout.pipe(createWriteStream(BROKER_STDOUT));
  const connectionString = await new Promise<string>((resolve) => {
    let out = '';
    const read = (d: Buffer): void => {
      out += d.toString();
      const found = /Endpoint=\S+/.exec(out);
      if (found === null) return;
      child.stdout.off('data', read);
      resolve(found[0]);
    };
    child.stdout.on('data', read);
  });
  const port = Number(/:(\d+);/.exec(connectionString)?.[1]);
  log(`fuzz: seed ${SEED}, frames ≥ ${FRAMES}, abandoned ${ABANDONED}, slowloris ${SLOWLORIS}, concurrency ${CONCURRENCY}; broker pid ${child.pid} on port ${port}${heap.length ? ` (${heap[0]})` : ' (default heap)'}`);

  // The good client: an official-SDK sender and session receivers on session.1, running throughout.
  const sdk = new ServiceBusClient(connectionString);
  const sent = new Set<string>();
  const received = new Set<string>();
  let lockLosses = 0;
  const errors: string[] = [];
  const receivers: ServiceBusSessionReceiver[] = [];
  for (const id of SESSIONS) {
    const receiver = await sdk.acceptSession('session.1', id);
    receivers.push(receiver);
    receiver.subscribe({
      processMessage: async (m: ServiceBusReceivedMessage) => void received.add(String(m.messageId)),
      processError: async ({ error }) => {
        const code = (error as { code?: string }).code ?? '';
        if (/LockLost/i.test(code) || /lock/i.test(error.message)) lockLosses++;
        errors.push(`${code}: ${error.message}`);
      },
    });
  }
  const sender = sdk.createSender('session.1');
  let sending = true;
  const producer = (async () => {
    for (let n = 0; sending; n++) {
      const id = `good-${n}`;
      await sender.sendMessages({ body: n, messageId: id, sessionId: SESSIONS[n % SESSIONS.length] });
      sent.add(id);
      await sleep(20);
    }
  })();

  // Stall probe: a put-token round trip every 200 ms on its own connection.
  const probe = await RawClient.open(port);
  let probing = true;
  let worstProbeMs = 0;
  let stalls = 0;
  const prober = (async () => {
    while (probing) {
      const at = Date.now();
      await probe.putToken(probe.audience('queue.1'));
      const ms = Date.now() - at;
      worstProbeMs = Math.max(worstProbeMs, ms);
      if (ms > 1_000) stalls++;
      await sleep(200);
    }
  })();

  await sleep(2_000);
  const baseline = rssMb(child.pid as number);
  let peak = baseline;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(child.pid as number));
    } catch {
      /* exited */
    }
  }, 100);
  log(`baseline RSS ${baseline.toFixed(1)} MB (broker serving the SDK client)`);
  /** Per-phase marks: time since the broker started, its RSS now and the peak so far (to line up with its `--trace-gc`). */
  const mark = (phase: string): void => {
    let now = 0;
    try {
      now = rssMb(child.pid as number);
    } catch {
      /* exited */
    }
    log(`  [${((Date.now() - started) / 1000).toFixed(1)} s] ${phase}: RSS ${now.toFixed(1)} MB, peak +${(Math.max(peak, now) - baseline).toFixed(1)} MB`);
  };

  // 2. Abandoned and slowloris connections, held while the rest runs.
  const heldSince = Date.now();
  const held: Socket[] = [];
  for (let i = 0; i < ABANDONED; i++) {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    held.push(socket);
    if (i % 100 === 99) await sleep(10);
  }
  const slow = Array.from({ length: SLOWLORIS }, () => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    socket.on('error', () => undefined);
    let at = 0;
    const drip = setInterval(() => (socket.destroyed ? clearInterval(drip) : socket.write(AMQP_HEADER.subarray(at % 8, (at++ % 8) + 1))), 1_000);
    held.push(socket);
    return drip;
  });

  mark('abandoned and slowloris connections opened');
  // 1. The fuzzed frames.
  const cases = await runCases({ port, seed: SEED, frames: FRAMES, concurrency: CONCURRENCY, lingerMs: 30, ...(kinds ? { kinds } : {}) });
  mark('fuzzed frames done');
  log(`RSS peak after the frames: ${peak.toFixed(1)} MB`);
  log(`frames: ${cases.frames} in ${cases.cases} connections (${(cases.bytes / 1_048_576).toFixed(1)} MB; random ${cases.byKind.random}, mutated ${cases.byKind.mutated}, bombs ${cases.byKind.bomb}, abuse ${cases.byKind.abuse}); closed by the broker: ${cases.closedByBroker}`);

  // 3a. A client that never reads: one peek after another, each reply ~2 MB.
  const big = sdk.createSender('queue.1');
  for (let i = 0; i < 10; i++) await big.sendMessages({ body: Buffer.alloc(200_000, 0x61), messageId: `big-${i}` });
  const greedy = await WireClient.opened(port);
  await authoriseRaw(greedy, port, 'queue.1', 0, (audience) => sasToken(audience));
  greedy.write(attachFrame('req', 1, false, 'x', 'queue.1/$management'), attachFrame('reply', 2, true, 'queue.1/$management', 'reply'));
  await greedy.frame('flow', (f) => f.fields['handle'] === 1);
  greedy.write(amqpFrame('flow', { next_incoming_id: 0, incoming_window: 2048, next_outgoing_id: 1, outgoing_window: 2048, handle: 2, delivery_count: 0, link_credit: 1000 }));
  greedy.socket.pause();
  const peek = (rheaMessageEncode as (m: object) => Buffer)({
    reply_to: 'reply',
    application_properties: { operation: 'com.microsoft:peek-message' },
    body: { 'from-sequence-number': types.wrap_long(0), 'message-count': types.wrap_int(10) },
  });
  for (let i = 0; i < 100 && !greedy.socket.destroyed; i++) {
    greedy.write(amqpFrame('transfer', { handle: 1, delivery_id: i + 1, delivery_tag: Buffer.from([i & 0xff]), message_format: 0, settled: true }, 0, peek));
    await sleep(20);
  }
  mark('never-reading client done');
  log(`never-reading client: ${greedy.socket.destroyed ? 'closed by the broker' : 'STILL OPEN'} (RSS peak so far ${peak.toFixed(1)} MB)`);
  greedy.destroy();

  // 3b. An endless delivery to $cbs: 200 MB of continuation frames, no token.
  const endless = await WireClient.opened(port);
  await endless.sendLongDelivery(3_400);
  const closed = endless.closeError();
  const outcome = closed ? JSON.stringify(closed) : await endless.frame('disposition').then((d) => JSON.stringify(d.fields['state'])).catch(() => 'none');
  log(
    `endless delivery (200 MB to $cbs): ${
      closed && outcome.includes('resource-limit-exceeded')
        ? 'dropped as it came, the connection closed with amqp:resource-limit-exceeded past 16 MiB'
        : outcome.includes('message-size-exceeded')
          ? 'dropped as it came, rejected with amqp:link:message-size-exceeded'
          : `outcome ${outcome}`
    }`,
  );
  endless.destroy();

  mark('endless delivery done');
  log(`RSS peak after the endless delivery: ${peak.toFixed(1)} MB`);
  // Let the handshake timeouts close the abandoned and slowloris connections (default 10 s for the
  // header, 10 s more for the open once a slowloris completed its header).
  await sleep(Math.max(0, 21_000 - (Date.now() - heldSince)));
  mark('handshake timeouts passed');
  const stillOpen = held.filter((s) => !s.destroyed && s.readyState === 'open').length;
  log(`abandoned + slowloris connections still open after the handshake timeout: ${stillOpen} of ${held.length}`);
  for (const drip of slow) clearInterval(drip);
  for (const socket of held) socket.destroy();

  // Drain the good client.
  sending = false;
  await producer;
  const deadline = Date.now() + 30_000;
  while (received.size < sent.size && Date.now() < deadline) await sleep(200);
  const lost = [...sent].filter((id) => !received.has(id)).length;
  probing = false;
  await prober;
  clearInterval(sampler);
  await probe.close();
  for (const receiver of receivers) await receiver.close();
  await sdk.close();
  stopping = true;
  child.kill('SIGTERM');

  log(`crashes: ${crashed}`);
  log(`stalls > 1 s: ${stalls} (worst probe round trip ${worstProbeMs} ms)`);
  log(`broker RSS: baseline ${baseline.toFixed(1)} MB, peak ${peak.toFixed(1)} MB (+${(peak - baseline).toFixed(1)} MB; budget +${RSS_BUDGET_MB})`);
  log(`SDK client: sent ${sent.size}, received ${received.size}, lost ${lost}, lock losses ${lockLosses}${errors.length ? `; errors: ${errors.slice(0, 3).join(' | ')}` : ''}`);
  log(`broker warnings: ${warnings}; run time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const ok = crashed === 0 && stalls === 0 && peak - baseline <= RSS_BUDGET_MB && lost === 0 && lockLosses === 0 && stillOpen === 0;
  log(ok ? 'PASS' : 'FAIL');
  return ok ? 0 : 1;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rheaMessageEncode = (require('rhea') as { message: { encode(m: object): Buffer } }).message.encode;

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`fuzz failed: ${String((error as Error)?.stack ?? error)}\n`);
    process.exit(2);
  },
);

/**
 * Probe (not part of the bench; `node build/bench/rawRenewProbe.js` after `npm run bench`, or after
 * `npm run build && npx tsc -p tsconfig.bench.json`): the renewal row's method (50 warm-up calls, then
 * 1 000 sequential awaited renewals; three sessions one after another, each on a new connection) for
 * servicebus-rx's `renewLock()` and for a bare rhea client that sends `renew-session-lock` itself (the
 * AMQP library under both this library and the official SDK, with nothing above it). Each client runs in a
 * fresh process of its own; `PROBE_NODE_FLAGS` (space-separated) are Node options for those processes,
 * e.g. `--no-opt`; `PROBE_WARMUP` changes the warm-up count. Prints p50, p99 and the calls over 1 ms.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { firstValueFrom } from 'rxjs';
import rhea, { type Connection, type EventContext, type Message } from 'rhea';
import { ServiceBusClient } from '../src';
import { startBrokerProcess } from './lib/brokerProcess';
import { putToken } from './lib/rawCbs';
import { runToExit } from './lib/runToExit';
import { nowMs, percentile, round } from './lib/stats';

const CALLS = 1000;
const WARMUP = Number(process.env['PROBE_WARMUP'] ?? 50);
const RUNS = 3;

/** Times `renew` the row's way. */
async function measure(renew: () => Promise<unknown>): Promise<string> {
  for (let i = 0; i < WARMUP; i++) await renew();
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = nowMs();
    await renew();
    samples.push(nowMs() - t);
  }
  return `p50 ${round(percentile(samples, 50))} ms, p99 ${round(percentile(samples, 99))} ms, ${samples.filter((s) => s > 1).length} calls over 1 ms`;
}

/** A session locked and renewed over a bare rhea connection: session-filtered receiver, `$management` sender and receiver. */
async function rawRenewals(port: number, sessionId: string): Promise<string> {
  const connection: Connection = rhea.create_container({ id: `probe-${sessionId}` }).connect({ host: '127.0.0.1', port, tcp_no_delay: true } as never);
  await once(connection, 'connection_open');
  await putToken(connection, port, 'bench-sq');
  const linkName = `session-${sessionId}`;
  const session = connection.open_receiver({ name: linkName, source: { address: 'bench-sq', filter: { 'com.microsoft:session-filter': sessionId } }, credit_window: 0, autoaccept: false } as never);
  const replyTo = `reply-${sessionId}`;
  const replies = connection.open_receiver({ name: replyTo, source: { address: 'bench-sq/$management' }, target: { address: replyTo }, credit_window: 100, autoaccept: true } as never);
  const requests = connection.open_sender({ name: `management-${sessionId}`, target: { address: 'bench-sq/$management' }, snd_settle_mode: 1 } as never);
  await Promise.all([once(session, 'receiver_open'), once(replies, 'receiver_open'), once(requests, 'sendable')]);
  const waiting = new Map<unknown, (reply: Message) => void>();
  replies.on('message', (context: EventContext) => {
    const answer = waiting.get(context.message?.correlation_id);
    if (answer === undefined || context.message === undefined) return;
    waiting.delete(context.message.correlation_id);
    answer(context.message);
  });
  let next = 0;
  const renew = (): Promise<Message> =>
    new Promise((resolve, reject) => {
      const id = `renew-${++next}`;
      waiting.set(id, (reply) => {
        const status = (reply.application_properties as Record<string, unknown> | undefined)?.['statusCode'];
        if (status === 200) resolve(reply);
        else reject(new Error(`renew-session-lock answered ${String(status)}`));
      });
      requests.send({
        message_id: id,
        reply_to: replyTo,
        application_properties: { operation: 'com.microsoft:renew-session-lock', 'com.microsoft:server-timeout': rhea.types.wrap_uint(60_000), 'associated-link-name': linkName },
        body: { 'session-id': sessionId },
      } as never);
    });
  const figures = await measure(renew);
  const closed = once(connection, 'connection_close');
  connection.close();
  await closed;
  return figures;
}

async function rxRenewals(connectionString: string, sessionId: string): Promise<string> {
  const client = new ServiceBusClient(connectionString);
  try {
    const session = await firstValueFrom(client.acceptSession('bench-sq', sessionId));
    const figures = await measure(() => firstValueFrom(session.renewLock()));
    await session.close();
    return figures;
  } finally {
    await client.close();
  }
}

async function child(kind: string, connectionString: string): Promise<void> {
  const port = Number(/:(\d+)/.exec(connectionString.split(';')[0] ?? '')?.[1]);
  for (let run = 1; run <= RUNS; run++) {
    const sessionId = `probe-${kind}-${process.pid}-${run}`;
    const figures = kind === 'raw' ? await rawRenewals(port, sessionId) : await rxRenewals(connectionString, sessionId);
    console.log(`${kind === 'raw' ? 'bare rhea' : 'servicebus-rx renewLock()'} run ${run}: ${figures}`);
  }
}

async function main(): Promise<void> {
  const [kind, connectionString] = process.argv.slice(2);
  if (kind !== undefined && connectionString !== undefined) return child(kind, connectionString);
  const broker = await startBrokerProcess();
  const flags = (process.env['PROBE_NODE_FLAGS'] ?? '').split(' ').filter((flag) => flag !== '');
  try {
    console.log(`${WARMUP} warm-up calls, then ${CALLS}; each client in a fresh process${flags.length > 0 ? ` (node ${flags.join(' ')})` : ''}`);
    for (const kind of ['raw', 'rx']) process.stdout.write(execFileSync(process.execPath, [...flags, __filename, kind, broker.connectionString]));
  } finally {
    await broker.stop();
  }
}

runToExit(main);

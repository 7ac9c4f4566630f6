/**
 * A chaos consumer process: one client (through its fault proxy) with a session pool and automatic
 * renewal; async handlers that honour the message's AbortSignal; every handler step appended to the
 * shared log. argv: name, connectionString, queue, logPath, maxSessions.
 * IPC in: `{ type: 'stall', ms }` (the next handler freezes the event loop for `ms`), `{ type: 'stop' }`.
 * IPC out: `{ type: 'ready' }`, `{ type: 'stopped', unhandled }`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { catchError, concatMap, EMPTY, from, mergeMap } from 'rxjs';
import { ServiceBusClient, type ReceivedMessage, type Session } from '../../src';
import { wallMs, type ChaosBody, type ChaosEvent } from './ChaosEvent';

const [name, connectionString, queue, logPath, maxSessionsText] = process.argv.slice(2) as [string, string, string, string, string];
const fd = openSync(logPath, 'a');
let unhandled = 0;
let stallMs = 0;
let accepted = 0;

function log(event: Omit<ChaosEvent, 'p' | 't'>): void {
  writeSync(fd, `${JSON.stringify({ ...event, p: name, t: wallMs() })}\n`);
}

process.on('unhandledRejection', () => void unhandled++);
process.on('uncaughtException', (e) => {
  unhandled++;
  console.error(`[${name}] uncaught`, e);
});

/** Resolves after `ms`, or rejects at once when `signal` aborts (the timer is cleared). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The handler: work (abortable), a side effect if still allowed, then complete. */
async function handle(session: Session, message: ReceivedMessage, owner: string): Promise<void> {
  // Aborted when the lock is lost (a margin before the broker's expiry) or the session closes.
  const { signal } = message;
  const body = message.body as ChaosBody;
  const at = { s: session.sessionId, o: owner, id: body.id };
  log({ e: 'start', ...at });
  try {
    if (stallMs > 0) {
      // An event-loop stall: nothing runs in this process until it ends (the handler is frozen).
      const until = Date.now() + stallMs;
      stallMs = 0;
      while (Date.now() < until);
      log({ e: 'wake', ...at });
    }
    try {
      await sleep(body.work, signal);
    } catch {
      log({ e: 'abort', ...at });
      return;
    }
    if (signal.aborted) {
      log({ e: 'abort', ...at });
      return;
    }
    log({ e: 'effect', ...at });
    await new Promise<void>((resolve) =>
      message.complete().subscribe({
        complete: () => {
          log({ e: 'done', ...at });
          resolve();
        },
        error: (err: unknown) => {
          log({ e: 'settle-failed', ...at, err: (err as Error).name });
          resolve();
        },
      }),
    );
  } finally {
    log({ e: 'end', ...at });
  }
}

const client = new ServiceBusClient(connectionString);
const pool = client
  .sessions(queue, {
    maxConcurrentSessions: Number(maxSessionsText),
    // Longer than the slowest handler: the pool's idle timeout counts arriving messages, not work.
    sessionIdleTimeout: 8_000,
    accept: { autoRenew: { maxDuration: 600_000 }, maxCredit: 5, timeout: 3_000 },
    backoff: { initial: 100, max: 500, maxRetries: Infinity },
  })
  .pipe(
    mergeMap((session) => {
      const owner = `${name}:${++accepted}`;
      log({ e: 'accept', s: session.sessionId, o: owner });
      session.lock$.subscribe((state) => {
        if (state.kind === 'lost') log({ e: 'lost', s: session.sessionId, o: owner, reason: state.reason });
      });
      return session.messages$.pipe(
        // The documented handler form: an async handler given the message's signal.
        concatMap((message) => from(handle(session, message, owner))),
        // A lost lock ends this session's work; the pool accepts another.
        catchError(() => EMPTY),
      );
    }),
  )
  // The documented bare subscribe: client.close() must complete the pool, never error it.
  .subscribe();

process.on('message', (m: { type: string; ms?: number }) => {
  if (m.type === 'stall') stallMs = m.ms ?? 0;
  if (m.type === 'stop') {
    void client.close().then(() => {
      const closed = pool.closed;
      closeSync(fd);
      process.send?.({ type: 'stopped', unhandled, poolClosed: closed });
      process.disconnect();
    });
  }
});
process.send?.({ type: 'ready' });

import { constants } from 'node:os';
import { asyncScheduler, filter, firstValueFrom, from, interval, lastValueFrom, map, race, shareReplay, Subject, Subscription, take, tap, timer, type Observable } from 'rxjs';
import { ServiceBusClient } from '../../client/ServiceBusClient';
import { startEmulator } from '../../emulator';
import type { DemoArgs } from './parseDemoArgs';
import type { DemoEvent, OrderMessage } from './DemoEvent';
import type { DemoIo } from './DemoIo';
import { DemoModel } from './DemoModel';
import { InFlight } from './InFlight';
import { formatEvent, isIncident } from './formatEvent';
import { poolWorker, singleSessionWorker } from './orderConsumers';
import { planOrders, seededRandom } from './orderPlan';
import { orderTraffic, sendNow } from './orderTraffic';
import { PlainView } from './PlainView';
import type { SessionProcessing } from './processOrderSession';
import { summarize } from './summarize';
import { TtyView } from './TtyView';

const QUEUE = 'orders';
/** Short locks, so renewals (about every 1.5 s) and a loss are visible within seconds. */
const LOCK_MS = 3_000;
/** The slow worker's renewal budget: less than its handler needs, so its lock is lost on purpose. */
const SLOW_RENEWAL_MS = 2_000;
const WORKERS = ['worker-1', 'worker-2'] as const;
const SESSIONS_PER_WORKER = 3;
const IDLE_MS = 3_000;
/** Time allowed after the traffic window for the last messages (and the redelivery) before the run is declared failed. */
const GRACE_MS = 30_000;
/** At most this long, after a stop, for the sends and settlements under way to finish. */
const STOP_GRACE_MS = 5_000;
const RECENT_LINES = 4;
const INCIDENT_LINES = 8;

/**
 * Runs the demo end to end: broker, traffic, two pool workers and the slow worker, the live view, and
 * the summary. Resolves with the exit code: 0 when every produced message was completed or
 * dead-lettered (checked against the broker too), 1 otherwise; 128 + the signal number (130 for Ctrl-C)
 * when the user stopped it — its summary then reports the messages not processed yet as still queued,
 * and checks that the broker's queue holds exactly those.
 */
export async function runDemoScenario(args: DemoArgs, io: DemoIo): Promise<number> {
  const scheduler = asyncScheduler;
  const durationMs = args.durationSeconds * 1_000;
  const plan = planOrders(args.sessions, args.messagesPerSession);
  const warnings: string[] = [];
  const broker = await startEmulator({
    port: 0,
    queues: [{ name: QUEUE, requiresSession: true, lockDurationMs: LOCK_MS, maxDeliveryCount: 5 }],
    onWarning: (w) => warnings.push(w),
  });
  const producer = new ServiceBusClient(broker.connectionString);
  const workerClients = WORKERS.map(() => new ServiceBusClient(broker.connectionString));
  const slowClient = new ServiceBusClient(broker.connectionString);

  const model = new DemoModel();
  const tty = io.isTTY() && !args.plain;
  const title = `servicebus-rx demo · queue '${QUEUE}' · lock ${LOCK_MS / 1_000} s · ${args.sessions} customers × ${args.messagesPerSession} messages`;
  const ttyView = tty ? new TtyView(io.write, { columns: io.columns, title }) : undefined;
  const plainView = tty ? undefined : new PlainView(io.write);
  const log = { recent: [] as string[], incidents: [] as string[] };
  const failures: string[] = [];
  const finished = new Subject<string>();
  const events = new Subject<DemoEvent>();
  /** Sessions whose redelivery was already announced (one line per session hold, not per message). */
  const announced = new Set<string>();
  events.subscribe((event) => {
    model.apply(event);
    const key = event.type === 'produced' || event.type === 'traffic-done' ? '' : `${event.consumer}/${event.sessionId}`;
    if (event.type === 'accepted') announced.delete(key);
    let repeat = false;
    if (event.type === 'received' && event.deliveryCount > 0) {
      repeat = announced.has(key);
      announced.add(key);
    }
    const line = repeat ? undefined : formatEvent(event, model.startedAt ?? event.at);
    if (line !== undefined) {
      if (ttyView === undefined) io.write(`${line}\n`);
      else if (isIncident(event)) {
        if (log.incidents.push(line) > INCIDENT_LINES) log.incidents.shift();
      } else if (log.recent.push(line) > RECENT_LINES) log.recent.shift();
    }
    if (model.allSettled) finished.next('all messages settled');
  });

  let stopping = false;
  const inFlight = new InFlight();
  const track = <T>(operation$: Observable<T>): Observable<T> => inFlight.track(operation$);
  const random = seededRandom(7);
  // Simulated work per message: about 120–370 ms, shorter for big runs so that the workers' capacity
  // stays about twice the traffic rate.
  const totalMessages = args.sessions * args.messagesPerSession;
  const capacityMs = (WORKERS.length * SESSIONS_PER_WORKER * durationMs) / totalMessages / 2;
  const workScale = Math.min(1, capacityMs / 245);
  const processing = (consumer: string, slow: boolean): SessionProcessing => ({
    consumer,
    maxRenewalMs: slow ? SLOW_RENEWAL_MS : 60_000,
    handlerMs: () => (slow ? 60_000 : Math.floor((120 + random() * 250) * workScale)),
    lockDurationMs: LOCK_MS,
    stopping: () => stopping,
    track,
    scheduler,
  });
  const running = new Subscription();
  const run = (name: string, source$: Observable<DemoEvent>): void => {
    running.add(
      source$.subscribe({
        next: (event) => events.next(event),
        error: (error: unknown) => {
          failures.push(`${name}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
          finished.next(`${name} failed`);
        },
      }),
    );
  };

  const stop = io.stopRequested();
  const start = scheduler.now();
  if (ttyView === undefined) {
    io.write(
      `${title}\nworkers ${WORKERS.join(', ')} (session pools of ${SESSIONS_PER_WORKER}, auto-renew on); slow-worker holds ${plan.slowCustomer}` +
        ` with a ${SLOW_RENEWAL_MS / 1_000} s renewal budget and a handler slower than that\n`,
    );
  }
  let reason: string;
  let stoppedBy: NodeJS.Signals | undefined;
  let queueAtEnd: ReturnType<typeof broker.stats>['queues'][number] | undefined;
  try {
    // The slow worker takes the first customer before the pools start, so its lock loss (and the
    // redelivery to a pool worker) happens in every run.
    const [first = [], ...rest] = plan.customers as (readonly OrderMessage[])[];
    await lastValueFrom(sendNow(producer, QUEUE, first, scheduler).pipe(tap((e) => events.next(e))), { defaultValue: undefined });
    const slowAccepted = events.pipe(filter((e) => e.type === 'accepted' && e.consumer === 'slow-worker'), take(1), shareReplay(1));
    running.add(slowAccepted.subscribe());
    run('slow-worker', singleSessionWorker(slowClient, QUEUE, plan.slowCustomer, processing('slow-worker', true)));
    await firstValueFrom(race(slowAccepted, finished));
    WORKERS.forEach((name, i) =>
      run(name, poolWorker(workerClients[i] ?? producer, QUEUE, { maxConcurrentSessions: SESSIONS_PER_WORKER, idleTimeoutMs: IDLE_MS, processing: processing(name, false) })),
    );
    run('traffic', orderTraffic(producer, QUEUE, rest, { durationMs, alreadySent: first.length, scheduler, stopping: () => stopping, track }));
    running.add(
      interval(ttyView === undefined ? 1_000 : 100, scheduler).subscribe(() =>
        ttyView === undefined ? plainView?.progress(model, scheduler.now()) : ttyView.draw(model, scheduler.now(), log),
      ),
    );
    // race() unsubscribes the losers: no timer is left behind to keep the process alive.
    reason = await firstValueFrom(
      race(
        finished,
        timer(durationMs + GRACE_MS, scheduler).pipe(map(() => `not settled ${(durationMs + GRACE_MS) / 1_000} s after start`)),
        from(stop.promise).pipe(
          map((signal) => {
            stoppedBy = signal;
            return `stopped by the user (${signal})`;
          }),
        ),
      ),
    );
    if (stoppedBy !== undefined) {
      // Graceful: nothing new is sent or handled from now on, and the sends and settlements under way
      // finish, so the broker's queue holds exactly what the summary reports as still queued.
      stopping = true;
      const deadline = scheduler.now() + STOP_GRACE_MS;
      await firstValueFrom(interval(10, scheduler).pipe(filter(() => inFlight.count === 0 || scheduler.now() >= deadline)));
    }
  } catch (error) {
    reason = 'failed';
    failures.push(`demo: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  } finally {
    stop.dispose();
    stopping = true;
    running.unsubscribe(); // closes every held session and pending accept
    queueAtEnd = broker.stats().queues.find((q) => q.name === QUEUE);
    // The broker goes first: it answers the pools' pending next-session attaches as it closes, so no
    // client is left waiting for an attach that can no longer come.
    await broker.close();
    await Promise.allSettled([producer.close(), slowClient.close(), ...workerClients.map((c) => c.close())]);
  }
  const elapsed = scheduler.now() - start;
  if (ttyView !== undefined) {
    ttyView.draw(model, scheduler.now(), log);
    ttyView.end();
  } else plainView?.progress(model, scheduler.now());

  const queue = queueAtEnd;

  const summary = summarize(model, elapsed, { stopped: stoppedBy !== undefined });
  const deadLetteredHere = [...model.messages.values()].filter((m) => m.outcome === 'dead-lettered').length;
  // The queue must hold exactly the messages the demo did not settle (none, unless it was stopped early).
  const brokerAgrees = queue !== undefined && queue.active === summary.unsettled && queue.deadLettered === deadLetteredHere;
  const lines = [
    '',
    ...summary.lines,
    `  broker check: ${queue?.active ?? '?'} messages left in '${QUEUE}', ${queue?.deadLettered ?? '?'} in its dead-letter queue` +
      (brokerAgrees ? ' (agrees)' : ' (DISAGREES with the counts above)'),
    `  ended: ${reason}`,
    ...failures.map((f) => `  failure: ${f}`),
    ...warnings.map((w) => `  broker warning: ${w}`),
  ];
  io.write(`${lines.join('\n')}\n`);
  if (stoppedBy !== undefined) return 128 + (constants.signals[stoppedBy] ?? 2);
  return summary.ok && brokerAgrees && failures.length === 0 ? 0 : 1;
}

import { concat, concatMap, defer, EMPTY, from, map, of, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { ServiceBusClient } from '../../client/ServiceBusClient';
import type { DemoEvent, OrderMessage } from './DemoEvent';

/** Sends `messages` of one customer at once (one batch); emits a `produced` event per message. */
export function sendNow(client: ServiceBusClient, queue: string, messages: readonly OrderMessage[], scheduler: SchedulerLike): Observable<DemoEvent> {
  return client.send(queue, messages.map(toOutgoing)).pipe(
    concatMap(() => from(messages.map((message): DemoEvent => ({ type: 'produced', at: scheduler.now(), message })))),
  );
}

/**
 * Sends the customers' orders spread over `durationMs`: customers start one after another across the
 * first 60 % of the window, each sending its messages a short gap apart (interleaved with the others,
 * like real traffic). One timer at a time: the schedule is flattened and walked in order.
 * Emits a `produced` event after each send, then one `traffic-done` with the total, then completes.
 * Errors with the first send error. Unsubscribing stops sending; so does `stopping()` turning true (a send
 * already under way finishes). Sends run through `track`.
 */
export function orderTraffic(
  client: ServiceBusClient,
  queue: string,
  customers: readonly (readonly OrderMessage[])[],
  options: {
    readonly durationMs: number;
    readonly alreadySent: number;
    readonly scheduler: SchedulerLike;
    readonly stopping: () => boolean;
    readonly track: <T>(send$: Observable<T>) => Observable<T>;
  },
): Observable<DemoEvent> {
  const { durationMs, alreadySent, scheduler, stopping, track } = options;
  const perCustomer = Math.max(1, ...customers.map((c) => c.length));
  const spacing = (durationMs * 0.6) / Math.max(1, customers.length);
  const gap = Math.min(700, (durationMs * 0.4) / perCustomer);
  const schedule = customers
    .flatMap((messages, i) => messages.map((message, k) => ({ at: i * spacing + k * gap, message })))
    .sort((a, b) => a.at - b.at);
  return defer(() => {
    const start = scheduler.now();
    return concat(
      from(schedule).pipe(
        concatMap(({ at, message }) =>
          timer(Math.max(0, start + at - scheduler.now()), scheduler).pipe(
            concatMap(() => (stopping() ? EMPTY : track(client.send(queue, toOutgoing(message))))),
            map((): DemoEvent => ({ type: 'produced', at: scheduler.now(), message })),
          ),
        ),
      ),
      defer(() => of<DemoEvent>({ type: 'traffic-done', at: scheduler.now(), count: alreadySent + schedule.length })),
    );
  });
}

function toOutgoing(message: OrderMessage) {
  return { body: message, sessionId: message.customer, messageId: message.id, subject: message.step, contentType: 'application/json' };
}

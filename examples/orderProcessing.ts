/**
 * Per-customer order processing: every customer's orders travel in their own session, so each
 * customer's messages are handled in order, by one consumer at a time, while different customers are
 * processed in parallel by a session pool. Locks are auto-renewed while a customer is being handled.
 */
import { concat, concatMap, defer, ignoreElements, lastValueFrom, map, mergeMap, scan, takeWhile, type Observable } from 'rxjs';
import { ServiceBusClient, sessionPool, type ReceivedMessage, type Session } from '../src';
import { runIfMain, withConnection } from './withConnection';

type OrderEvent =
  | { readonly type: 'order-created'; readonly customer: string }
  | { readonly type: 'item-added'; readonly customer: string; readonly sku: string; readonly priceCents: number }
  | { readonly type: 'order-submitted'; readonly customer: string };

const QUEUE = 'orders';

/** The orders this example sends: per customer, created → items → submitted. */
export function sampleOrders(): OrderEvent[] {
  const items: Record<string, [string, number][]> = {
    alice: [['book', 1_250], ['pen', 300]],
    bob: [['lamp', 4_599]],
    carol: [['mug', 899], ['tea', 650], ['spoon', 199]],
  };
  return Object.entries(items).flatMap(([customer, lines]): OrderEvent[] => [
    { type: 'order-created', customer },
    ...lines.map(([sku, priceCents]): OrderEvent => ({ type: 'item-added', customer, sku, priceCents })),
    { type: 'order-submitted', customer },
  ]);
}

/**
 * Sends the sample orders (session id = customer), then processes them with a pool of two sessions
 * and auto-renewal; each customer's session is closed once its order is submitted.
 * @returns the submitted order total (cents) per customer.
 */
export async function main(connectionString?: string): Promise<Record<string, number>> {
  return withConnection(connectionString, [{ name: QUEUE }], async (cs) => {
    const client = new ServiceBusClient(cs);
    try {
      const orders = sampleOrders();
      await lastValueFrom(client.send(QUEUE, orders.map((body) => ({ body, sessionId: body.customer }))));
      const customers = new Set(orders.map((o) => o.customer)).size;

      const submitted$ = sessionPool(client, QUEUE, {
        maxConcurrentSessions: 2,
        accept: { autoRenew: { maxDuration: 5 * 60_000 } },
      }).pipe(mergeMap(processCustomer));

      // Stop once every customer's order was submitted: unsubscribing closes the pool.
      return await lastValueFrom(
        submitted$.pipe(
          scan((totals, [customer, total]) => ({ ...totals, [customer]: total }), {} as Record<string, number>),
          takeWhile((totals) => Object.keys(totals).length < customers, true),
        ),
      );
    } finally {
      await client.close();
    }
  });
}

/** Handles one customer's session in order; emits `[customer, totalCents]` when the order is submitted. */
function processCustomer(session: Session): Observable<[string, number]> {
  let total = 0;
  return session.messages$.pipe(
    concatMap((message: ReceivedMessage) => {
      const event = message.body as OrderEvent;
      if (event.type === 'item-added') total += event.priceCents;
      // Settle after the work is done: if this process dies first, the message is redelivered.
      const settled$ = message.complete().pipe(ignoreElements());
      if (event.type !== 'order-submitted') return settled$;
      // The order is complete: close the session, which frees the pool slot for the next customer.
      return concat(settled$, defer(() => session.close()).pipe(map((): [string, number] => [session.sessionId, total])));
    }),
  );
}

runIfMain(module, main);

/**
 * One topic, two session-enabled subscriptions, each choosing its messages with a rule: order events
 * are published once to the `order-events` topic (session id = order id), and
 * - `eu-fulfilment` (a correlation filter: application property `region` = `'eu'`) ships EU orders;
 * - `fraud-review` (a SQL filter: `totalCents >= 10000 AND region <> 'test'`) reviews large orders.
 * An order that is both European and large reaches both, as its own copy in each. Each subscription
 * is processed with the same calls as a queue, given `{ topic, subscription }` instead of a name, and
 * each order's events arrive in order in its session.
 */
import { concatMap, firstValueFrom, lastValueFrom, map, takeWhile, toArray } from 'rxjs';
import { ServiceBusClient, type ReceivedMessage, type Session, type TopicSubscription } from '../src';
import type { TopicOptions } from '../src/emulator';
import { runIfMain, withConnection } from './withConnection';

const TOPIC = 'order-events';
const EU = { topic: TOPIC, subscription: 'eu-fulfilment' } as const satisfies TopicSubscription;
const FRAUD = { topic: TOPIC, subscription: 'fraud-review' } as const satisfies TopicSubscription;

/** The topic as the embedded broker is given it (on a real namespace, create the same in the portal or with Bicep). */
export const orderEventsTopic: TopicOptions = {
  name: TOPIC,
  subscriptions: [
    { name: EU.subscription, requiresSession: true, rules: [{ name: 'eu-only', filter: { type: 'correlation', properties: { region: 'eu' } } }] },
    { name: FRAUD.subscription, requiresSession: true, rules: [{ name: 'large', filter: { type: 'sql', sqlExpression: "totalCents >= 10000 AND region <> 'test'" } }] },
  ],
};

type Step = 'placed' | 'paid' | 'shipped';
interface Order {
  readonly id: string;
  readonly region: 'eu' | 'us' | 'test';
  readonly totalCents: number;
}

/** The orders this example publishes. */
export const sampleOrders: readonly Order[] = [
  { id: 'o-1', region: 'eu', totalCents: 2_500 }, // EU only
  { id: 'o-2', region: 'us', totalCents: 45_000 }, // fraud review only
  { id: 'o-3', region: 'eu', totalCents: 12_000 }, // both
  { id: 'o-4', region: 'us', totalCents: 900 }, // neither
  { id: 'o-5', region: 'test', totalCents: 99_999 }, // neither (the SQL filter excludes test orders)
];
const STEPS: readonly Step[] = ['placed', 'paid', 'shipped'];

/** Per subscription, the events each order's session delivered, in order. */
export type FanOutResult = Record<string, Record<string, Step[]>>;

/**
 * Publishes every order's three events to the topic (one send), then drains both subscriptions in
 * parallel: accept the next available session, read it until `shipped`, complete each event, close
 * it; stop when no session becomes available within `idleMs`.
 */
export async function main(connectionString?: string, idleMs = 2_000): Promise<FanOutResult> {
  return withConnection(connectionString, { topics: [orderEventsTopic] }, async (cs) => {
    const client = new ServiceBusClient(cs);
    try {
      const events = sampleOrders.flatMap((order) =>
        STEPS.map((step) => ({
          body: { order: order.id, step },
          sessionId: order.id,
          subject: step,
          applicationProperties: { region: order.region, totalCents: order.totalCents },
        })),
      );
      await lastValueFrom(client.send(TOPIC, events));
      const [eu, fraud] = await Promise.all([drain(client, EU, idleMs), drain(client, FRAUD, idleMs)]);
      return { [EU.subscription]: eu, [FRAUD.subscription]: fraud };
    } finally {
      await client.close();
    }
  });
}

/** Takes sessions of `subscription` one after another until none comes within `idleMs`. */
async function drain(client: ServiceBusClient, subscription: TopicSubscription, idleMs: number): Promise<Record<string, Step[]>> {
  const seen: Record<string, Step[]> = {};
  for (;;) {
    const session = await firstValueFrom(client.acceptNextSession(subscription, { timeout: idleMs }), { defaultValue: undefined });
    if (session === undefined) return seen;
    seen[session.sessionId] = await processOrder(session);
  }
}

/** Reads one order's session up to its `shipped` event, completing each event; returns the steps seen and closes the session. */
async function processOrder(session: Session): Promise<Step[]> {
  try {
    return await lastValueFrom(
      session.messages$.pipe(
        // Complete after handling: if this process died first, the event would be redelivered.
        concatMap((message: ReceivedMessage) => message.complete().pipe(map(() => (message.body as { step: Step }).step))),
        takeWhile((step) => step !== 'shipped', true),
        toArray(),
      ),
    );
  } finally {
    await session.close();
  }
}

runIfMain(module, main);

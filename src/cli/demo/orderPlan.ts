import type { OrderCheckpoint, OrderMessage, OrderStep } from './DemoEvent';

/** The orders of one run: one session (customer) each, the slow customer first. */
export interface OrderPlan {
  /** Per customer, its messages in order. */
  readonly customers: readonly (readonly OrderMessage[])[];
  /** The customer handled by the deliberately slow worker. */
  readonly slowCustomer: string;
  /** Id of the one invalid message (dead-lettered by the consumer), when the run is big enough to carry one. */
  readonly poisonMessageId: string | undefined;
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run sends the same orders. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Orders for `sessions` customers (`c-01`, `c-02`…), `messagesPerSession` messages each: `order-created`,
 * `item-added`…, `order-submitted`. With at least two customers and three messages, the last customer's
 * first item has a negative quantity: the poison message the consumer dead-letters. Pure.
 */
export function planOrders(sessions: number, messagesPerSession: number, random = seededRandom(42)): OrderPlan {
  const width = String(sessions).length < 2 ? 2 : String(sessions).length;
  const customers: OrderMessage[][] = [];
  let poisonMessageId: string | undefined;
  for (let c = 1; c <= sessions; c++) {
    const customer = `c-${String(c).padStart(width, '0')}`;
    const messages: OrderMessage[] = [];
    for (let index = 1; index <= messagesPerSession; index++) {
      const step: OrderStep = index === 1 ? 'order-created' : index === messagesPerSession ? 'order-submitted' : 'item-added';
      const poison = step === 'item-added' && index === 2 && c === sessions && sessions >= 2;
      const id = `${customer}/${index}`;
      if (poison) poisonMessageId = id;
      messages.push({
        id,
        customer,
        orderId: `order-${customer}`,
        step,
        index,
        of: messagesPerSession,
        ...(step === 'item-added' ? { priceCents: 199 + Math.floor(random() * 4_800), quantity: poison ? -1 : 1 + Math.floor(random() * 3) } : {}),
      });
    }
    customers.push(messages);
  }
  return { customers, slowCustomer: customers[0]?.[0]?.customer ?? 'c-01', poisonMessageId };
}

/** The checkpoint after processing `message` on top of `previous`. Pure. */
export function nextCheckpoint(previous: OrderCheckpoint | undefined, message: OrderMessage): OrderCheckpoint {
  const items = (previous?.items ?? 0) + (message.step === 'item-added' ? (message.quantity ?? 0) : 0);
  const totalCents = (previous?.totalCents ?? 0) + (message.step === 'item-added' ? (message.priceCents ?? 0) * (message.quantity ?? 0) : 0);
  return { lastIndex: message.index, step: message.step, items, totalCents };
}

/** Reads a checkpoint stored with `JSON.stringify`, or `undefined` for no / foreign state. */
export function parseCheckpoint(state: string | Uint8Array | undefined): OrderCheckpoint | undefined {
  if (typeof state !== 'string') return undefined;
  try {
    const value = JSON.parse(state) as Partial<OrderCheckpoint> | null;
    return typeof value?.lastIndex === 'number' && typeof value.totalCents === 'number' ? (value as OrderCheckpoint) : undefined;
  } catch {
    return undefined;
  }
}

/** Is `body` one of the demo's order messages? */
export function isOrderMessage(body: unknown): body is OrderMessage {
  const b = body as Partial<OrderMessage> | null;
  return typeof b === 'object' && b !== null && typeof b.id === 'string' && typeof b.index === 'number' && typeof b.step === 'string';
}

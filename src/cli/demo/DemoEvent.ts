/** The steps of an order, in the order a customer's session carries them. */
export type OrderStep = 'order-created' | 'item-added' | 'order-submitted';

/** Body of every order message the demo sends. */
export interface OrderMessage {
  /** Unique id of this message: `<customer>/<index>`. */
  readonly id: string;
  readonly customer: string;
  readonly orderId: string;
  readonly step: OrderStep;
  /** 1-based position in the customer's session. */
  readonly index: number;
  readonly of: number;
  /** Item price in cents (`item-added` only); a negative quantity marks the poison message. */
  readonly priceCents?: number;
  readonly quantity?: number;
}

/** The session-state checkpoint the demo consumer keeps per customer. */
export interface OrderCheckpoint {
  /** Index of the last processed message. */
  readonly lastIndex: number;
  readonly step: OrderStep;
  readonly items: number;
  readonly totalCents: number;
}

interface At {
  /** Scheduler time (ms) of the event. */
  readonly at: number;
}
interface OnSession extends At {
  /** Name of the consumer that holds the session. */
  readonly consumer: string;
  readonly sessionId: string;
}

/** Everything the demo's view and summary are computed from. */
export type DemoEvent =
  | (At & { readonly type: 'produced'; readonly message: OrderMessage })
  | (At & { readonly type: 'traffic-done'; readonly count: number })
  | (OnSession & { readonly type: 'accepted'; readonly lockedUntil: number; readonly lockDurationMs: number })
  | (OnSession & { readonly type: 'lock'; readonly kind: 'held' | 'renewed' | 'tick' | 'expiring'; readonly remainingMs: number })
  | (OnSession & { readonly type: 'auto-renew-error'; readonly errorName: string; readonly detail: string })
  | (OnSession & { readonly type: 'lock-lost'; readonly reason: string; readonly detail: string })
  /** `deliveryCount`: earlier deliveries of this message (0 the first time). */
  | (OnSession & { readonly type: 'received'; readonly messageId: string; readonly deliveryCount: number })
  | (OnSession & { readonly type: 'completed'; readonly messageId: string; readonly checkpoint: OrderCheckpoint })
  | (OnSession & { readonly type: 'dead-lettered'; readonly messageId: string; readonly reason: string })
  | (OnSession & { readonly type: 'settle-failed'; readonly messageId: string; readonly errorName: string; readonly detail: string })
  | (OnSession & { readonly type: 'closed'; readonly why: 'submitted' | 'idle' | 'lost' | 'stopped' })
  | (OnSession & { readonly type: 'session-error'; readonly errorName: string; readonly detail: string });

/** A demo event of one `type`. */
export type DemoEventOf<T extends DemoEvent['type']> = Extract<DemoEvent, { type: T }>;

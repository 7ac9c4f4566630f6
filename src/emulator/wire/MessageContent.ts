import type { Typed } from '../rhea/codec';

/** The header fields the broker forwards as received (delivery-count is the broker's own). */
export interface HeaderFields {
  readonly durable: Typed | null;
  readonly priority: Typed | null;
  readonly ttl: Typed | null;
  readonly firstAcquirer: Typed | null;
}

/**
 * A message as the broker stores it: the bare message (properties, application-properties, body,
 * footer) byte for byte as the client sent it, plus the few decoded fields the broker acts on. Every
 * field therefore keeps its AMQP type on the way out.
 */
export interface MessageContent {
  readonly header: HeaderFields;
  /** message-annotations entries as received (minus broker-owned `x-opt-*` keys): key, value, key, value… */
  readonly annotations: readonly Typed[];
  /** The sections from `properties` on, exactly as received. */
  readonly bare: Buffer;
  /** `properties.group-id`, the Service Bus session id. */
  readonly sessionId: string | undefined;
  /** `properties.message-id`, typed as received. */
  readonly messageId: Typed | undefined;
  /** `header.ttl` in ms. */
  readonly timeToLiveMs: number | undefined;
  /** `x-opt-scheduled-enqueue-time` in Unix ms (scheduled messages). */
  readonly scheduledEnqueueTimeMs: number | undefined;
  /**
   * Auto-forwarding moves this message has made so far (0 as sent). Service Bus allows
   * {@link MAX_FORWARD_HOPS}; the broker's own count, never on the wire.
   */
  readonly forwardHops: number;
}

/**
 * Auto-forwarding moves one message may make: an entity that would forward it once more dead-letters it
 * instead, with reason `MaxTransferHopCountExceeded` (Service Bus's limit and reason).
 */
export const MAX_FORWARD_HOPS = 4;

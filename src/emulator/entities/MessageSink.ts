import type { AmqpError } from '../wire/conditions';
import type { MessageContent } from '../wire/MessageContent';

/** An entity that messages can be sent to: a queue or a topic. */
export interface MessageSink {
  readonly name: string;
  /** True once the entity was deleted from its namespace; sends then fail with not-found. */
  readonly deleted: boolean;
  /** Why the entity refuses `content` (e.g. no session id for a session entity), or `undefined`. */
  refusal(content: MessageContent): AmqpError | undefined;
  /**
   * Takes messages that passed {@link refusal} (one transfer or batch, in order): duplicates (duplicate
   * detection) are dropped, the rest enqueued, scheduled, fanned out or forwarded.
   */
  send(contents: readonly MessageContent[], now: number): void;
  /** Takes one scheduled message (it passed {@link refusal}); returns the sequence number to cancel it by. */
  schedule(content: MessageContent, now: number): number;
  /** True when `sequenceNumber` is a scheduled message here that has not turned active yet. */
  hasScheduled(sequenceNumber: number): boolean;
  /** Cancels a scheduled message; false when `sequenceNumber` is not a pending scheduled message here. */
  cancelScheduled(sequenceNumber: number): boolean;
}

/** How an entity finds its auto-forwarding target. */
export interface ForwardingRouter {
  /** The queue or topic named `name` (case-insensitive), or `undefined`. */
  sink(name: string): MessageSink | undefined;
}

import type { AmqpError } from '../wire/conditions';
import type { MessageSession } from './MessageSession';
import type { LockHolder, StoredMessage } from './StoredMessage';

/** What a queue needs from a receiving link (the broker's sender) that it hands messages to. */
export interface Consumer extends LockHolder {
  /** The client's link name (`associated-link-name` in management requests). */
  readonly name: string;
  /** Identity of the connection the link belongs to; session operations are allowed only from it. */
  readonly owner: object;
  /** Sends available messages while the link has credit. */
  pump(): void;
  /** Hands back (and forgets) every delivery the client has not settled yet. */
  takeUnsettled(): StoredMessage[];
  /** The broker ended the link's session lock: detach with `error`. */
  lost(error: AmqpError): void;
}

/** A link waiting for `acceptNextSession` to find a session. */
export interface SessionWaiter {
  readonly consumer: Consumer;
  /** Called once when a session was locked for the waiter. */
  granted(session: MessageSession): void;
  /** The queue went away: refuse the held attach with `error`. */
  abort(error: AmqpError): void;
}

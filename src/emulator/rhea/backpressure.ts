import type { Connection, Session } from 'rhea';
import { backpressureSession, dispatchingLink, localSessions, type BackpressureSession } from './internals';

/** What {@link holdWhileBacklogged} asks about a connection's socket. */
export interface Backlog {
  /** True while the socket has more queued than the client reads. */
  backlogged(): boolean;
  /** Told the size of each delivery handed to rhea (rhea writes it on its next pass, not yet in the socket). */
  queued(bytes: number): void;
}

/**
 * Makes `session` report no room for new deliveries while `backlog.backlogged()` holds (the connection's
 * socket has more queued than the client reads): the broker's delivery links stop taking messages from
 * their queue (they check `outgoing.available()` per message) instead of piling transfers into the
 * socket. Call {@link wakeSenders} when the backlog clears. Instance-level; the handlers are shared and
 * the session keeps one reference (a client may open thousands of sessions).
 */
export function holdWhileBacklogged(session: Session, backlog: Backlog): void {
  const outgoing = backpressureSession(session).outgoing as HeldOutgoing;
  outgoing[HELD] = { backlog, available: outgoing.available, send: outgoing.send };
  outgoing.available = heldAvailable;
  outgoing.send = heldSend;
}

const HELD = Symbol('holdWhileBacklogged');
type Outgoing = BackpressureSession['outgoing'];
type HeldOutgoing = Outgoing & { [HELD]: { readonly backlog: Backlog; readonly available: Outgoing['available']; readonly send: Outgoing['send'] } };

function heldAvailable(this: HeldOutgoing): number {
  const held = this[HELD];
  return held.backlog.backlogged() ? 0 : held.available.call(this);
}

function heldSend(this: HeldOutgoing, sender: unknown, tag: unknown, data: Buffer, format: unknown): unknown {
  const held = this[HELD];
  held.backlog.queued(data.length);
  return held.send.call(this, sender, tag, data, format);
}

/** Emits rhea's 'sendable' on every open sender of `connection` that has credit and room (as rhea does when room frees up). */
export function wakeSenders(connection: Connection): void {
  const sessions = localSessions(connection);
  for (const key in sessions) {
    const session = sessions[key];
    if (session === undefined) continue;
    backpressureSession(session).each_sender(
      (sender) => dispatchingLink(sender).dispatch('sendable', dispatchingLink(sender)._context()),
      (sender) => sender.is_open() && sender.sendable(),
    );
  }
}

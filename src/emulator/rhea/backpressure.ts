import type { Connection, Session } from 'rhea';
import { backpressureSession, dispatchingLink, localSessions } from './internals';

/**
 * Makes `session` report no room for new deliveries while `backlogged()` holds (the connection's socket
 * has more queued than the client reads): the broker's delivery links stop taking messages from their
 * queue (they check `outgoing.available()` per message) instead of piling transfers into the socket.
 * `queued` is told the size of each delivery handed to rhea (rhea writes them on its next pass, so they
 * are not in the socket yet). Call {@link wakeSenders} when the backlog clears. Instance-level.
 */
export function holdWhileBacklogged(session: Session, backlogged: () => boolean, queued: (bytes: number) => void): void {
  const outgoing = backpressureSession(session).outgoing;
  const { available, send } = outgoing;
  outgoing.available = function (this: unknown): number {
    return backlogged() ? 0 : available.call(this);
  };
  outgoing.send = function (this: unknown, sender: unknown, tag: unknown, data: Buffer, format: unknown): unknown {
    queued(data.length);
    return send.call(this, sender, tag, data, format);
  };
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

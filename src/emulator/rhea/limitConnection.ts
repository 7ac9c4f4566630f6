import type { Connection } from 'rhea';
import { connectionInternals } from './internals';
import type { Violation } from './limitSession';

/**
 * Instance-level limits on a rhea server connection: a `begin` on a channel already in use (rhea would
 * forget the session it maps there) or beyond `maxSessions` sessions is a violation; the broker's open
 * advertises `idleTimeoutMs` as its `idle-time-out` without rhea's own timers (which use the real
 * clock: the broker watches idleness on its own scheduler).
 */
export function limitConnection(connection: Connection, maxSessions: number, idleTimeoutMs: number, violate: Violation): void {
  const c = connectionInternals(connection);
  const { on_begin: onBegin, on_end: onEnd } = c;
  let sessions = 0;
  c.on_begin = function (frame): void {
    const channel = frame.channel ?? 0;
    if (this.remote_channel_map[channel] !== undefined) return violate('amqp:connection:framing-error', `A begin on channel ${channel}, already in use.`);
    if (sessions >= maxSessions) return violate('amqp:resource-limit-exceeded', `More than ${maxSessions} sessions on one connection.`);
    sessions++;
    onBegin.call(this, frame);
  };
  c.on_end = function (frame): void {
    if (this.remote_channel_map[frame.channel ?? 0] !== undefined) sessions--;
    onEnd.call(this, frame);
  };
  if (idleTimeoutMs > 0) {
    c._write_open = function (): void {
      // A copy carries the advertisement: rhea arms a real-clock timer when its own open has idle_time_out.
      const open = new this.local.open.constructor([...this.local.open.value]);
      open.idle_time_out = idleTimeoutMs;
      this._write_frame(0, open);
    };
  }
}

import type { Socket } from 'node:net';
import type { Connection } from 'rhea';
import type { BrokerLimits } from './BrokerLimits';
import { ConnectionWarden, type WardenServices } from './ConnectionWarden';
import { connectionInternals } from '../rhea/internals';
import { limitConnection } from '../rhea/limitConnection';
import { FrameGuard } from './FrameGuard';

/** SASL outcome code for success (AMQP 1.0 section 5.3.3.6). */
const SASL_OK = 0;

/**
 * Hands an accepted socket to a new rhea server connection, with a {@link FrameGuard} in front of rhea's
 * input and a {@link ConnectionWarden} enforcing `limits`: bytes the guard refuses never reach rhea; the
 * broker sends the guard's reply (if any), reports the reason and closes the connection. The socket is
 * also ended after a failed SASL outcome. Returns the warden (the server hands it the connection's sessions).
 */
export function acceptConnection(connection: Connection, socket: Socket, limits: BrokerLimits, services: WardenServices): ConnectionWarden {
  const rhea = connectionInternals(connection);
  const guard = new FrameGuard({
    beforeOpen: limits.maxFrameBytesBeforeOpen,
    afterOpen: limits.maxFrameBytes,
    channelMax: limits.channelMax,
    decode: { maxDepth: limits.maxDecodeDepth, maxElements: limits.maxDecodeElements },
  });
  const warden = new ConnectionWarden(connection, socket, guard, limits, services);
  limitConnection(connection, limits.channelMax + 1, limits.idleTimeoutMs, warden.violate);
  const input = rhea.input;
  rhea.input = function (this: unknown, chunk: Buffer): void {
    if (warden.refused) return;
    const verdict = guard.inspect(chunk);
    if (!verdict.ok) {
      if (verdict.condition !== undefined && guard.stage === 'done') warden.violate(verdict.condition, verdict.reason);
      else warden.cut(verdict.reason, verdict.reply);
      return;
    }
    warden.onInput();
    input.call(this, chunk);
    const outcome = rhea.sasl_transport?.transports?.[3]?.outcome;
    if (outcome !== undefined && outcome !== SASL_OK) {
      // rhea sent the failed sasl-outcome; a client that ignores it must not keep the socket.
      warden.cut(`SASL authentication failed (outcome ${outcome}).`);
    }
  };
  rhea.accept(socket);
  return warden;
}

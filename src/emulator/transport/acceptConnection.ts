import type { Socket } from 'node:net';
import type { Connection } from 'rhea';
import { FrameGuard, type FrameLimits } from './FrameGuard';

interface ServerConnection {
  input(chunk: Buffer): void;
  accept(socket: Socket): Connection;
  /** rhea's SASL layer of a server connection (`sasl.js` SelectiveServer; index 3 = the SASL server). */
  sasl_transport?: { transports?: { 3?: { outcome?: number } } };
}

/** SASL outcome code for success (AMQP 1.0 section 5.3.3.6). */
const SASL_OK = 0;

/**
 * Hands an accepted socket to a new rhea server connection, with a {@link FrameGuard} in front of rhea's
 * input: bytes the guard refuses never reach rhea; the broker sends the guard's reply (if any), reports
 * the reason and ends the socket. The socket is also ended after a failed SASL outcome.
 */
export function acceptConnection(connection: Connection, socket: Socket, limits: FrameLimits, warn: (message: string) => void): void {
  const guarded = connection as unknown as ServerConnection;
  const guard = new FrameGuard(limits);
  const input = guarded.input;
  let refused = false;
  guarded.input = function (this: unknown, chunk: Buffer): void {
    if (refused) return;
    const verdict = guard.inspect(chunk);
    if (!verdict.ok) {
      refused = true;
      warn(`Closing a client connection: ${verdict.reason}`);
      if (verdict.reply !== undefined) socket.write(verdict.reply);
      socket.end();
      return;
    }
    input.call(this, chunk);
    const outcome = guarded.sasl_transport?.transports?.[3]?.outcome;
    if (outcome !== undefined && outcome !== SASL_OK) {
      // rhea sent the failed sasl-outcome; a client that ignores it must not keep the socket.
      refused = true;
      warn(`Closing a client connection: SASL authentication failed (outcome ${outcome}).`);
      socket.end();
    }
  };
  guarded.accept(socket);
}

import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';

/** Where a connection's first bytes say it belongs. */
export type SniffedProtocol = 'amqp' | 'http';

/** The request methods that send a connection to the HTTP side (each followed by a space). */
const HTTP_METHODS = ['GET ', 'PUT ', 'POST ', 'DELETE ', 'HEAD ', 'OPTIONS ', 'PATCH '] as const;
const LONGEST = Math.max(...HTTP_METHODS.map((method) => method.length));

/** How long a connection may stay silent (or send only a method's first letters) before the AMQP side takes it. */
export const SNIFF_TIMEOUT_MS = 10_000;

/**
 * Classifies the first bytes of a connection: `'http'` when they start with an HTTP method and a space,
 * `'amqp'` as soon as they cannot (an AMQP client starts with `AMQP`; anything else is left to the AMQP
 * side, whose frame guard refuses it), `undefined` while they are a prefix of a method and more bytes are
 * needed.
 */
export function classifyFirstBytes(bytes: Buffer): SniffedProtocol | undefined {
  const text = bytes.subarray(0, LONGEST).toString('latin1');
  let undecided = false;
  for (const method of HTTP_METHODS) {
    if (text.startsWith(method)) return 'http';
    if (method.startsWith(text)) undecided = true;
  }
  return undecided ? undefined : 'amqp';
}

/**
 * Reads a new connection's first bytes, puts them back (`unshift`) and hands the socket to `route` for
 * the protocol they name; the handler then reads them as if nothing had been read. A connection still
 * undecided after {@link SNIFF_TIMEOUT_MS} (on `scheduler`) goes to the AMQP side, whose handshake
 * deadlines then apply; one that closes or errors before reaching a side is forgotten.
 */
export function sniffProtocol(socket: Socket, scheduler: SchedulerLike, route: (protocol: SniffedProtocol, socket: Socket) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  // Silence (or a method's first letters only) until the timeout: not an HTTP client, so the AMQP side
  // takes the socket, with its own handshake deadlines.
  const timeout = scheduler.schedule(() => {
    finish();
    handOver('amqp');
  }, SNIFF_TIMEOUT_MS);
  const onError = (): void => finish();
  const onData = (chunk: Buffer): void => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const protocol = classifyFirstBytes(seen);
    if (protocol === undefined) return;
    finish();
    handOver(protocol);
  };
  const handOver = (protocol: SniffedProtocol): void => {
    if (socket.destroyed) return;
    socket.pause();
    if (seen.length > 0) socket.unshift(seen);
    route(protocol, socket);
    socket.resume();
  };
  function finish(): void {
    timeout.unsubscribe();
    socket.off('data', onData);
    socket.off('error', onError);
    socket.off('close', finish);
  }
  socket.on('data', onData);
  socket.on('error', onError);
  socket.once('close', finish);
}

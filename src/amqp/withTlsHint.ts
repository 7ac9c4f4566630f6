import { ConnectionClosedError, type ServiceBusRxError } from '../errors';
import type { AmqpConnectionConfig } from './AmqpConnectionConfig';
import type { Socket } from 'node:net';

/** Socket error codes / messages of a TLS handshake answered by a plain-TCP AMQP peer. */
const TLS_MISMATCH_CODES = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ECONNRESET']);
const TLS_MISMATCH_TEXT = /wrong version number|packet length too long|before secure TLS connection|ssl3_get_record|tls_get_more_records/i;

/** How far a TLS socket got. */
export interface TlsProgress {
  tcpConnected: boolean;
  secured: boolean;
  error: Error | undefined;
}

/** Records on `progress` how far `socket` (a TLS socket) gets: TCP connected, TLS secured, its first error. */
export function watchTlsProgress(socket: Socket, progress: TlsProgress): void {
  socket.once('connect', () => (progress.tcpConnected = true));
  socket.once('secureConnect', () => (progress.secured = true));
  socket.once('error', (e: Error) => (progress.error ??= e));
}

/** The hint appended to a TLS handshake failure. */
export const TLS_TO_PLAIN_HINT =
  'The TLS handshake failed: the endpoint may be a plain-TCP AMQP broker such as the development emulator. ' +
  'If it is, add `UseDevelopmentEmulator=true` (lowercase `true`) to the connection string, or pass ' +
  '`useDevelopmentEmulator: true` with a credential.';

/**
 * When a TLS connection attempt failed during the handshake — TCP connected but TLS never completed
 * (`progress`), or OpenSSL's "wrong version number" / a reset before the secure connection was
 * established — as a plain-TCP peer causes, returns a final (not retryable: retrying cannot fix it)
 * `ConnectionClosedError` whose message ends with {@link TLS_TO_PLAIN_HINT}; otherwise `error` unchanged.
 */
export function withTlsHint(error: ServiceBusRxError, config: Pick<AmqpConnectionConfig, 'tls'>, progress?: TlsProgress): ServiceBusRxError {
  if (!config.tls) return error;
  // A certificate error also stops a handshake, but names itself: no hint then.
  const handshakeFailed = progress !== undefined && progress.tcpConnected && !progress.secured && (progress.error === undefined || looksLikeTlsMismatch(progress.error));
  if (!handshakeFailed && !looksLikeTlsMismatch(error) && !looksLikeTlsMismatch(progress?.error)) return error;
  return new ConnectionClosedError(`${error.message} ${TLS_TO_PLAIN_HINT}`, { cause: error, retryable: false });
}

function looksLikeTlsMismatch(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; depth++) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string' && TLS_MISMATCH_CODES.has(code) && (code !== 'ECONNRESET' || (typeof message === 'string' && TLS_MISMATCH_TEXT.test(message)))) return true;
    if (typeof message === 'string' && TLS_MISMATCH_TEXT.test(message)) return true;
    e = cause;
  }
  return false;
}

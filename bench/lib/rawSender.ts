import rhea from 'rhea';
import { epochMs } from './epoch';
import { putToken } from './rawCbs';

/** Options of {@link rawSend}. */
export interface RawSendOptions {
  readonly port: number;
  readonly address: string;
  readonly count: number;
  readonly bodyBytes?: number;
  /** Perform a CBS put-token first (needed against the broker, not against a bare rhea peer). */
  readonly cbs?: boolean;
  /** Service Bus session id (properties.group-id) for every message. */
  readonly sessionId?: string;
}

/**
 * Sends `count` unsettled messages with a raw rhea sender as fast as credit allows (at-least-once).
 * Resolves with the epoch time of the first send and of the last `accepted` outcome.
 */
export function rawSend(options: RawSendOptions): Promise<{ first: number; lastAccepted: number }> {
  const { port, address, count, bodyBytes = 100, cbs = false, sessionId } = options;
  const body = Buffer.alloc(bodyBytes, 0x61);
  const container = rhea.create_container({ id: `bench-sender-${process.pid}` });
  return new Promise((resolve, reject) => {
    const conn = container.connect({ host: '127.0.0.1', port, tcp_no_delay: true } as never);
    let sent = 0;
    let accepted = 0;
    let first = 0;
    conn.once('connection_open', () => {
      const ready = cbs ? putToken(conn, port, address) : Promise.resolve();
      ready.then(() => {
        const sender = conn.open_sender({ target: { address } } as never);
        const pump = (): void => {
          if (first === 0) first = epochMs();
          while (sent < count && sender.sendable()) {
            sender.send({ body: rhea.message.data_section(body), group_id: sessionId, message_id: sent } as never);
            sent += 1;
          }
        };
        sender.on('sendable', pump);
        sender.on('accepted', () => {
          accepted += 1;
          if (accepted === count) {
            const lastAccepted = epochMs();
            conn.close();
            resolve({ first, lastAccepted });
          }
        });
        sender.on('rejected', (ctx: import('rhea').EventContext) => reject(new Error(`rejected: ${JSON.stringify(ctx.delivery?.remote_state)}`)));
      }, reject);
    });
    conn.on('connection_error', (ctx: import('rhea').EventContext) => reject(ctx.connection.error ?? new Error('connection error')));
  });
}

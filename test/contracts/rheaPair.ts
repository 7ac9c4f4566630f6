import { create_container, type Connection, type Container, type EventContext, type Sender, type Session } from 'rhea';
import type { AddressInfo, Server } from 'node:net';

/** rhea's version the helpers in src/amqp/rhea/ were written against. */
export const RHEA_VERSION = (require('rhea/package.json') as { version: string }).version;

/**
 * Fails a contract test with a message naming the rhea assumption that no longer holds and the
 * helper that relies on it: what to look at after upgrading rhea.
 */
export function assume(holds: boolean, helper: string, assumption: string): void {
  if (!holds) {
    throw new Error(
      `rhea ${RHEA_VERSION} broke an assumption of src/amqp/rhea/${helper}.ts: ${assumption}. ` +
        `Re-read rhea's source for it and adapt (or drop) ${helper} before upgrading.`,
    );
  }
}

/**
 * Two real rhea containers over TCP on port 0: a peer that accepts every link the client opens,
 * and the client connection. The peer keeps the senders it opened for the client's receivers
 * (`nextSender()`), and sets `max_message_size` to {@link PEER_MAX_MESSAGE_SIZE} on them.
 */
export interface RheaPair {
  readonly client: Connection;
  readonly peer: Container;
  /** The peer's sender for the next receiver the client attaches. */
  nextSender(): Promise<Sender>;
  close(): Promise<void>;
}

export const PEER_MAX_MESSAGE_SIZE = 123_456;

export async function rheaPair(options: { readonly clientOptions?: (port: number) => Record<string, unknown> } = {}): Promise<RheaPair> {
  const peer = create_container({ id: 'contract-peer' });
  const senders: Sender[] = [];
  const waiting: Array<(s: Sender) => void> = [];
  peer.on('sender_open', (context: EventContext) => {
    const sender = context.sender as Sender;
    // Sent with the peer's attach, which rhea writes in its next processing pass.
    (sender as unknown as { local: { attach: { max_message_size: number } } }).local.attach.max_message_size = PEER_MAX_MESSAGE_SIZE;
    const take = waiting.shift();
    if (take) take(sender);
    else senders.push(sender);
  });
  const server = peer.listen({ port: 0, host: '127.0.0.1' }) as unknown as Server;
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const container = create_container({ id: 'contract-client' });
  const client = container.connect({ port, host: '127.0.0.1', reconnect: false, ...(options.clientOptions?.(port) ?? {}) });
  await new Promise<void>((resolve, reject) => {
    client.once('connection_open', () => resolve());
    client.once('connection_error', (ctx: EventContext) => reject(ctx.connection.error));
    client.once('disconnected', (ctx: EventContext) => reject(ctx.error ?? new Error('disconnected')));
  });
  return {
    client,
    peer,
    nextSender: () => {
      const ready = senders.shift();
      return ready ? Promise.resolve(ready) : new Promise<Sender>((resolve) => waiting.push(resolve));
    },
    close: async () => {
      client.close();
      await new Promise<void>((resolve) => {
        if (!client.is_open()) return resolve();
        client.once('connection_close', () => resolve());
        client.once('disconnected', () => resolve());
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A new session on `connection`, given to `prepare` (a helper under test) before it begins; resolves once the peer answered the begin. */
export async function openSession(connection: Connection, prepare?: (session: Session) => void): Promise<Session> {
  const session = connection.create_session();
  prepare?.(session);
  session.begin();
  await next(session, 'session_open');
  return session;
}

/** Resolves with the next `event` of `emitter` (rhea links, sessions and connections are emitters). */
export function next<T = EventContext>(emitter: { once(event: string, listener: (value: T) => void): unknown }, event: string): Promise<T> {
  return new Promise<T>((resolve) => emitter.once(event, resolve));
}

/** How long a contract waits for rhea to do what it is assumed to do before failing, naming it. */
const PATIENCE_MS = 10_000;

/** Resolves once `condition()` holds (checked every few ms); fails naming `what` after 10 s. */
export async function until(condition: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited >= PATIENCE_MS) throw new Error(`gave up waiting until ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 5));
  }
}

/** `promise`, or a failure naming the broken assumption if it does not settle within 10 s. */
export function within<T>(promise: Promise<T>, helper: string, assumption: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      try {
        assume(false, helper, assumption);
      } catch (err) {
        reject(err as Error);
      }
    }, PATIENCE_MS);
  });
  return Promise.race([promise, gaveUp]).finally(() => clearTimeout(timer));
}

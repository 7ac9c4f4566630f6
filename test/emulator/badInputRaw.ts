/**
 * Raw clients for the broker's bad-input tests: plain `net` sockets for bytes, `rhea` directly for
 * AMQP (no SDK, no code of ours), and the official SDK to check that the broker still works.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { createHmac, randomUUID } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import {
  type AmqpError,
  type Connection,
  type Container,
  type EventContext,
  type Message,
  type Receiver,
  type Sender,
  create_container,
} from 'rhea';

/** Rejects with `what` if `promise` has not settled after `ms` (a guard against hangs, not a timing assertion). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

const GUARD_MS = 15_000;
/** How long a raw socket waits for the broker to close it (closing after bad bytes takes milliseconds). */
const SOCKET_GUARD_MS = 5_000;

/** What a raw socket saw: the bytes the broker sent back and whether the broker closed the socket. */
export interface SocketResult {
  readonly received: Buffer;
  readonly closedByBroker: boolean;
}

/**
 * Connects, writes each chunk of `chunks` in order, and resolves when the broker closes (or resets)
 * the socket. If the broker keeps it open for `SOCKET_GUARD_MS`, the socket is destroyed and
 * `closedByBroker` is false.
 */
export function rawExchange(port: number, chunks: readonly Buffer[]): Promise<SocketResult> {
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    const socket = tcpConnect({ host: '127.0.0.1', port });
    let closedByUs = false;
    const guard = setTimeout(() => {
      closedByUs = true;
      socket.destroy();
    }, SOCKET_GUARD_MS);
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    socket.on('data', (data) => received.push(data));
    socket.on('error', () => undefined); // a reset counts as a close; 'close' follows
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      clearTimeout(guard);
      resolve({ received: Buffer.concat(received), closedByBroker: !closedByUs });
    });
  });
}

/** AMQP protocol headers. */
export const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
export const SASL_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 3, 1, 0, 0]);

/** A frame: 4-byte size, doff, type, 2-byte channel, then `body` (the size field is computed unless given). */
export function frame(body: Buffer, options: { type?: number; channel?: number; doff?: number; size?: number } = {}): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(options.size ?? 8 + body.length, 0);
  head.writeUInt8(options.doff ?? 2, 4);
  head.writeUInt8(options.type ?? 0, 5);
  head.writeUInt16BE(options.channel ?? 0, 6);
  return Buffer.concat([head, body]);
}

/** The official SDK's SAS token for `audience` (section 2.5 of the protocol notes). */
export function sasToken(audience: string, keyName = 'RootManageSharedAccessKey', key = 'SAS_KEY_VALUE'): string {
  const sr = encodeURIComponent(audience);
  const se = Math.floor(Date.now() / 1000) + 3600;
  const sig = encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64'));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=${encodeURIComponent(keyName)}`;
}

/** A raw rhea client connection, opened like the SDK does it (SASL ANONYMOUS with the key name, hostname localhost). */
export class RawClient {
  private constructor(
    readonly container: Container,
    readonly connection: Connection,
    readonly port: number,
  ) {}

  static async open(port: number): Promise<RawClient> {
    const container = create_container({ id: `raw-${randomUUID()}` });
    // Keep rhea from printing or throwing for events the tests look at through other means.
    for (const event of ['error', 'disconnected', 'connection_error', 'protocol_error', 'sender_error', 'receiver_error', 'session_error']) {
      container.on(event, () => undefined);
    }
    const connection = container.connect({
      host: '127.0.0.1',
      port,
      hostname: 'localhost',
      username: 'RootManageSharedAccessKey',
      reconnect: false,
      idle_time_out: 60_000,
    });
    await within(once(connection, 'connection_open', ['connection_close', 'disconnected']), GUARD_MS, 'connection open');
    return new RawClient(container, connection, port);
  }

  /** `sb://localhost:PORT/<entity>`, the SDK's audience. */
  audience(entity: string): string {
    return `sb://localhost:${this.port}/${entity}`;
  }

  /** Sends a CBS put-token and returns the broker's reply status. */
  async putToken(audience: string, token = sasToken(audience), type = 'servicebus.windows.net:sastoken'): Promise<Reply> {
    return this.request('$cbs', { operation: 'put-token', name: audience, type }, token);
  }

  /** Attaches a sender and waits until it is usable (credit) or refused (closed with an error). */
  async sender(address: string): Promise<LinkResult<Sender>> {
    const sender = this.connection.open_sender({ target: { address }, source: { address: `raw-${randomUUID()}` } });
    return linkResult(sender, 'sendable', 'sender_close');
  }

  /** Attaches a receiver (optionally with a session filter) and waits until it is open or refused. */
  async receiver(address: string, sessionFilter?: string | null): Promise<LinkResult<Receiver>> {
    const receiver = this.connection.open_receiver({
      source: sessionFilter === undefined ? { address } : { address, filter: { 'com.microsoft:session-filter': sessionFilter } },
      target: { address: `raw-${randomUUID()}` },
      credit_window: 0,
      autoaccept: true,
      ...(sessionFilter === null ? { properties: { 'com.microsoft:timeout': 2_000 } } : {}),
    });
    return linkResult(receiver, 'receiver_open', 'receiver_close');
  }

  /** Sends `bytes` as an encoded message (as they are, unchecked) and resolves with the broker's outcome. */
  static sendRaw(sender: Sender, bytes: Buffer): Promise<Outcome> {
    return RawClient.send(sender, bytes as unknown as Message, 0);
  }

  /** Sends one unsettled message and resolves with the broker's outcome. */
  static send(sender: Sender, message: Message, format?: number): Promise<Outcome> {
    return within(
      new Promise<Outcome>((resolve) => {
        const delivery = format === undefined ? sender.send(message) : sender.send(message as unknown as Buffer, undefined, format);
        const done = (outcome: Outcome['outcome']) => (context: EventContext) => {
          if (context.delivery !== delivery) return;
          cleanup();
          const state = context.delivery?.remote_state as { error?: AmqpError } | undefined;
          resolve({ outcome, error: state?.error });
        };
        const handlers = { accepted: done('accepted'), rejected: done('rejected'), released: done('released'), modified: done('modified') };
        const onClose = (): void => {
          cleanup();
          resolve({ outcome: 'link-closed', error: sender.error as AmqpError | undefined });
        };
        const cleanup = (): void => {
          for (const [event, handler] of Object.entries(handlers)) sender.off(event, handler);
          sender.off('sender_close', onClose);
        };
        for (const [event, handler] of Object.entries(handlers)) sender.on(event, handler);
        sender.on('sender_close', onClose);
      }),
      GUARD_MS,
      'outcome of a transfer',
    );
  }

  /** A request on `<node>` (e.g. `$cbs`, `queue.1/$management`) over a fresh request/response link pair. */
  async request(node: string, applicationProperties: Record<string, unknown>, body: unknown): Promise<Reply> {
    const replyTo = `raw-reply-${randomUUID()}`;
    const receiver = this.connection.open_receiver({
      name: replyTo,
      source: { address: node },
      target: { address: replyTo },
      autoaccept: true,
    });
    const sender = this.connection.open_sender({ target: { address: node }, source: { address: `raw-${randomUUID()}` } });
    try {
      const opened = await linkResult(sender, 'sendable', 'sender_close');
      if (!opened.ok) return { statusCode: undefined, detached: opened.error, applicationProperties: {}, body: undefined };
      const messageId = randomUUID();
      const reply = new Promise<Reply>((resolve) => {
        const onMessage = (context: EventContext): void => {
          const m = context.message;
          if (m === undefined || m.correlation_id !== messageId) return;
          receiver.off('message', onMessage);
          const props = (m.application_properties ?? {}) as Record<string, unknown>;
          const status = props['statusCode'] ?? props['status-code'];
          resolve({ statusCode: typeof status === 'number' ? status : undefined, applicationProperties: props, body: m.body });
        };
        receiver.on('message', onMessage);
      });
      sender.send({ message_id: messageId, reply_to: replyTo, to: node, application_properties: applicationProperties, body });
      return await within(reply, GUARD_MS, `reply from ${node}`);
    } finally {
      sender.close();
      receiver.close();
    }
  }

  async close(): Promise<void> {
    if (this.connection.is_closed() || !this.connection.is_open()) {
      this.connection.close();
      return;
    }
    const closed = once(this.connection, 'connection_close', ['disconnected']).catch(() => undefined);
    this.connection.close();
    await within(closed, GUARD_MS, 'connection close').catch(() => undefined);
  }
}

export interface Reply {
  readonly statusCode: number | undefined;
  readonly applicationProperties: Record<string, unknown>;
  readonly body: unknown;
  /** Set when the request link itself was refused. */
  readonly detached?: AmqpError | undefined;
}

export interface Outcome {
  readonly outcome: 'accepted' | 'rejected' | 'released' | 'modified' | 'link-closed';
  readonly error: AmqpError | undefined;
}

export type LinkResult<L> = { readonly ok: true; readonly link: L } | { readonly ok: false; readonly link: L; readonly error: AmqpError | undefined };

/** Waits for `okEvent` (usable) or `closeEvent` (refused: the broker detached, normally with an error). */
function linkResult<L extends Sender | Receiver>(link: L, okEvent: string, closeEvent: string): Promise<LinkResult<L>> {
  return within(
    new Promise<LinkResult<L>>((resolve) => {
      const onOk = (): void => {
        // An attach that is immediately followed by a detach is a refusal: give the detach this tick.
        setImmediate(() => {
          cleanup();
          if (link.is_remote_open() && !link.is_closed()) resolve({ ok: true, link });
          else resolve({ ok: false, link, error: link.error as AmqpError | undefined });
        });
      };
      const onClose = (): void => {
        cleanup();
        resolve({ ok: false, link, error: link.error as AmqpError | undefined });
      };
      const cleanup = (): void => {
        link.off(okEvent, onOk);
        link.off(closeEvent, onClose);
      };
      link.on(okEvent, onOk);
      link.on(closeEvent, onClose);
    }),
    GUARD_MS,
    `attach of ${okEvent === 'sendable' ? 'sender' : 'receiver'}`,
  );
}

function once(emitter: Connection, event: string, failures: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const off = (): void => {
      emitter.off(event, onOk);
      for (const f of failures) emitter.off(f, onFail);
    };
    const onOk = (): void => {
      off();
      resolve();
    };
    const onFail = (context: EventContext): void => {
      off();
      reject(new Error(`connection failed: ${String(context.error ?? context.connection?.error ?? 'closed')}`));
    };
    emitter.on(event, onOk);
    for (const f of failures) emitter.on(f, onFail);
  });
}

/**
 * Proves the broker still serves a new connection: sends a unique message to `queue` with the
 * official SDK, receives it (peekLock) and completes it.
 */
export async function expectRoundTrip(connectionString: string, queue: string): Promise<void> {
  const client = new ServiceBusClient(connectionString, { retryOptions: { maxRetries: 0, timeoutInMs: 15_000 } });
  try {
    const body = `alive-${randomUUID()}`;
    await client.createSender(queue).sendMessages({ body });
    const receiver = client.createReceiver(queue);
    const received = await receiver.receiveMessages(1, { maxWaitTimeInMs: 15_000 });
    const first = received[0];
    if (first === undefined) throw new Error(`round trip on '${queue}': nothing received`);
    await receiver.completeMessage(first);
    if (first.body !== body) throw new Error(`round trip on '${queue}': received ${JSON.stringify(first.body)}, sent ${JSON.stringify(body)}`);
  } finally {
    await client.close();
  }
}

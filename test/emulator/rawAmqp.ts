import { createHmac } from 'node:crypto';
import { connect as tcpConnect, type Socket } from 'node:net';
import { Connection, generate_uuid, ReceiverEvents, type EventContext, type Message, type Receiver, type Sender } from 'rhea-promise';

/** Test helper: a bare AMQP client (rhea-promise) for what the SDK has no public API for. */
export class RawAmqp {
  private constructor(
    readonly connection: Connection,
    private readonly socket: () => Socket | undefined,
  ) {}

  static async connect(port: number): Promise<RawAmqp> {
    let socket: Socket | undefined;
    // rhea's `connect` hook: the test keeps the socket so that it can cut it (see `drop`).
    const connect = (p: number, host: string, _options: unknown, callback: () => void): Socket => (socket = tcpConnect(p, host, callback));
    const connection = new Connection({ host: '127.0.0.1', hostname: 'localhost', port, transport: 'tcp', reconnect: false, connect } as never);
    await connection.open();
    return new RawAmqp(connection, () => socket);
  }

  /** Cuts the TCP connection without any AMQP goodbye (as a crashed client would). */
  drop(): void {
    // rhea 3.0.5 may write once more after its socket is gone and re-arm a heartbeat timer from the
    // broker's idle-timeout; a crashed client keeps no timers, so the drop also forgets that timeout.
    const inner = (this.connection as unknown as { _connection: { remote: { open?: { idle_time_out?: number } }; heartbeat_out?: NodeJS.Timeout } })._connection;
    if (inner.remote.open !== undefined) inner.remote.open.idle_time_out = 0;
    clearTimeout(inner.heartbeat_out);
    this.socket()?.destroy();
  }

  /** put-token on `$cbs`; resolves with the reply's status code and description. */
  async putToken(audience: string, token: string, type = 'servicebus.windows.net:sastoken'): Promise<{ status: number; description: string }> {
    const reply = await this.request('$cbs', {
      application_properties: { operation: 'put-token', name: audience, type },
      body: token,
    });
    const props = reply.application_properties ?? {};
    return { status: Number(props['status-code']), description: String(props['status-description']) };
  }

  /** A `$management` request on `entity`; resolves with status, condition and body. */
  async management(entity: string, operation: string, body: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const reply = await this.request(`${entity}/$management`, {
      application_properties: { operation, ...extra },
      body,
    });
    const props = reply.application_properties ?? {};
    return {
      statusCode: Number(props['statusCode']),
      errorCondition: props['errorCondition'] as string | undefined,
      description: props['statusDescription'] as string | undefined,
      body: reply.body as Record<string, unknown> | undefined,
    };
  }

  private readonly nodes = new Map<string, Promise<{ sender: Sender; receiver: Receiver; replyTo: string }>>();

  private node(address: string) {
    let node = this.nodes.get(address);
    if (node === undefined) {
      node = (async () => {
        const replyTo = generate_uuid();
        const session = await this.connection.createSession();
        const receiver = await session.createReceiver({ name: replyTo, source: { address }, target: { address: replyTo }, credit_window: 100 });
        const sender = await session.createSender({ target: { address } });
        return { sender, receiver, replyTo };
      })();
      this.nodes.set(address, node);
    }
    return node;
  }

  private async request(address: string, message: Message): Promise<Message> {
    const { sender, receiver, replyTo } = await this.node(address);
    const messageId = generate_uuid();
    const reply = new Promise<Message>((resolve) => {
      const onMessage = (context: EventContext): void => {
        if (context.message?.correlation_id === messageId) {
          receiver.removeListener(ReceiverEvents.message, onMessage);
          resolve(context.message);
        }
      };
      receiver.on(ReceiverEvents.message, onMessage);
    });
    sender.send({ ...message, message_id: messageId, reply_to: replyTo });
    return reply;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/** A Service Bus SAS token for `audience`, signed with `key`, expiring at `expiresAtSeconds`. */
export function sasToken(audience: string, keyName: string, key: string, expiresAtSeconds: number): string {
  const sr = encodeURIComponent(audience);
  const sig = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${sr}\n${expiresAtSeconds}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expiresAtSeconds}&skn=${encodeURIComponent(keyName)}`;
}

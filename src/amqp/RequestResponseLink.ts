import { Observable } from 'rxjs';
import { generate_uuid, ReceiverEvents, SenderEvents, type EventContext, type Message, type Receiver, type Sender } from 'rhea-promise';
import { translateAmqpError, type ServiceBusRxError, type TranslateContext } from '../errors';
import { UNCOUNTED, type WaitCounter } from './PeerWatchdog';
import { settleReceived } from './rhea';

/** Called once with the successful reply, or with the translated failure. */
export type ReplyCallback = (error: ServiceBusRxError | undefined, reply: Message | undefined) => void;

interface Pending {
  readonly callback: ReplyCallback;
  readonly context: TranslateContext;
}

/**
 * A request/response node (`$cbs`, `<entity>/$management`): a sender and a receiver on one AMQP session.
 * Correlation is done here once: each request gets a fresh `message_id`, is registered before it is
 * sent, and is answered by the reply whose `correlation_id` matches. 2xx (`statusCode` or
 * `status-code`) is success; anything else is translated (`errorCondition`, `statusCode`,
 * `statusDescription`) by `translateAmqpError`.
 */
export class RequestResponseLink {
  private readonly pending = new Map<string, Pending>();
  /** Requests waiting for sender credit, in order (a Buffer: already encoded, see {@link sendEncoded}). */
  private readonly queued: Array<{ id: string; message: Message | Buffer }> = [];
  private failure: ServiceBusRxError | undefined;
  /** Request ids are this prefix and a counter: unique per link, cheaper than a UUID per request. */
  private readonly idPrefix = `${generate_uuid()}:`;
  private nextId = 0;

  constructor(
    readonly sender: Sender,
    readonly receiver: Receiver,
    /** The `reply_to` the peer answers to (the receiver's name or target address). */
    private readonly replyTo: string,
    /** Told of each request from send to reply (or cancellation, or failure). */
    private readonly waits: WaitCounter = UNCOUNTED,
  ) {
    receiver.on(ReceiverEvents.message, this.onReply);
    sender.on(SenderEvents.sendable, this.onSendable);
  }

  /**
   * Cold: on subscribe sends `message` (its `message_id` and `reply_to` are set here) and emits the
   * successful reply, then completes. Errors with the translated failure reply, or when the link
   * fails ({@link fail}). Unsubscribing forgets the request (a late reply is dropped). No timeout:
   * callers bound it (`retryWithin`).
   */
  request(message: Omit<Message, 'message_id' | 'reply_to'>, context: TranslateContext = {}): Observable<Message> {
    return new Observable<Message>((subscriber) =>
      this.send({ ...message }, context, (error, reply) => {
        if (error !== undefined) subscriber.error(error);
        else {
          subscriber.next(reply as Message);
          subscriber.complete();
        }
      }),
    );
  }

  /**
   * What {@link request} does without an Observable (the auto-renewal hot path): sets `message_id` and
   * `reply_to` on `message` (which it takes over), sends it (or queues it until there is credit) and
   * calls `callback` once with the outcome — at once when the link has failed. Returns the
   * cancellation: it forgets the request (a late reply is dropped, `callback` is not called).
   */
  send(message: Message, context: TranslateContext, callback: ReplyCallback): () => void {
    return this.dispatch(context, callback, (id) => {
      message.message_id = id;
      message.reply_to = this.replyTo;
      return message;
    });
  }

  /**
   * {@link send} for a request encoded by the caller: `encode(messageId, replyTo)` returns the AMQP
   * message bytes (format 0) with that `message_id` and `reply_to`, which this link sends as they are.
   */
  sendEncoded(encode: (messageId: string, replyTo: string) => Buffer, context: TranslateContext, callback: ReplyCallback): () => void {
    return this.dispatch(context, callback, (id) => encode(id, this.replyTo));
  }

  private dispatch(context: TranslateContext, callback: ReplyCallback, request: (id: string) => Message | Buffer): () => void {
    if (this.failure) {
      callback(this.failure, undefined);
      return noop;
    }
    const id = this.idPrefix + ++this.nextId;
    this.pending.set(id, { callback, context });
    this.waits.begin();
    const message = request(id);
    if (this.queued.length === 0 && this.sender.sendable()) this.transmit(message);
    else this.queued.push({ id, message });
    return () => {
      if (this.pending.delete(id)) this.waits.end();
    };
  }

  private transmit(message: Message | Buffer): void {
    if (Buffer.isBuffer(message)) this.sender.send(message, { format: 0 });
    else this.sender.send(message);
  }

  /** True once the link failed (see {@link fail}). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** Fails every outstanding and future request with `error` and removes this object's listeners. */
  fail(error: ServiceBusRxError): void {
    if (this.failure) return;
    this.failure = error;
    this.receiver.removeListener(ReceiverEvents.message, this.onReply);
    this.sender.removeListener(SenderEvents.sendable, this.onSendable);
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (let i = 0; i < pending.length; i++) this.waits.end();
    this.queued.length = 0;
    for (const p of pending) p.callback(error, undefined);
  }

  private readonly onSendable = (): void => {
    while (this.queued.length > 0 && this.sender.sendable()) {
      const next = this.queued.shift();
      if (next && this.pending.has(next.id)) this.transmit(next.message);
    }
  };

  private readonly onReply = (context: EventContext): void => {
    if (context.delivery) settleReceived(context.delivery);
    const reply = context.message;
    if (!reply) return;
    const id = reply.correlation_id;
    const key = typeof id === 'string' ? id : id === undefined ? undefined : String(id);
    const pending = key === undefined ? undefined : this.pending.get(key);
    if (!pending || key === undefined) return;
    this.pending.delete(key);
    this.waits.end();
    const props = reply.application_properties ?? {};
    const status = Number(props['statusCode'] ?? props['status-code']);
    if (status >= 200 && status < 300) return pending.callback(undefined, reply);
    const condition = props['errorCondition'] ?? props['error-condition'];
    const description = props['statusDescription'] ?? props['status-description'];
    pending.callback(
      translateAmqpError(
        {
          statusCode: Number.isFinite(status) ? status : undefined,
          condition: typeof condition === 'string' ? condition : undefined,
          description: typeof description === 'string' ? description : undefined,
        },
        pending.context,
      ),
      undefined,
    );
  };
}

function noop(): void {}

import { Observable } from 'rxjs';
import { generate_uuid, message as rheaMessage, ReceiverEvents, SenderEvents, type EventContext, type Message, type Receiver, type Sender } from 'rhea-promise';
import { translateAmqpError, type ServiceBusRxError, type TranslateContext } from '../errors';
import { UNCOUNTED, type WaitCounter } from './PeerWatchdog';
import { readReply } from './readReply';
import { ReplyForm } from './ReplyForm';
import { sendPresettled, settleReceived } from './rhea';

/** Called once with the successful reply, or with the translated failure. */
export type ReplyCallback = (error: ServiceBusRxError | undefined, reply: Message | undefined) => void;

/**
 * Reads what a request wants straight from its successful reply's bytes: a value of `width` bytes that
 * {@link locate} finds in the `amqp-value` body section at `bodyAt`, and {@link read} reads. Either gives
 * up (-1, `undefined`) when the reply is not in the form it reads — the reply is then decoded by rhea and
 * the callback gets the Message, as without a reader.
 */
export interface ReplyBodyReader<T> {
  /** Where the value's bytes start in the reply, or -1. */
  locate(bytes: Buffer, bodyAt: number): number;
  /** How many bytes the value takes from there. */
  readonly width: number;
  /** The value whose bytes start at `at`, or `undefined` when they hold no valid one. */
  read(bytes: Buffer, at: number): T | undefined;
}

/** Called once with the successful reply (or what its {@link ReplyBodyReader} read from it), or with the translated failure. */
type AnyReplyCallback = (error: ServiceBusRxError | undefined, reply: unknown) => void;

/** An outstanding request (one class, so every one has the same shape). */
class Pending {
  constructor(
    readonly callback: AnyReplyCallback,
    readonly context: TranslateContext,
    readonly readBody: ReplyBodyReader<unknown> | undefined,
  ) {}
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
  /** The last reply read whole with a {@link ReplyBodyReader}: the next one of its form is read without walking it. */
  private form: ReplyForm | undefined;

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
    return this.start(context, callback as AnyReplyCallback, undefined, (id, replyTo) => {
      message.message_id = id;
      message.reply_to = replyTo;
      return message;
    });
  }

  /**
   * {@link send} for a request encoded by the caller: `encode(messageId, replyTo)` returns the AMQP
   * message bytes (format 0) with that `message_id` and `reply_to`, which this link sends as they are.
   * With `readBody`, a successful reply reaches `callback` as what `readBody` read from its bytes
   * (rhea decodes it only when `readBody` cannot read it: then `callback` gets the Message).
   */
  sendEncoded<T>(
    encode: (messageId: string, replyTo: string) => Buffer,
    context: TranslateContext,
    callback: (error: ServiceBusRxError | undefined, reply: Message | T | undefined) => void,
    readBody?: ReplyBodyReader<T>,
  ): () => void {
    return this.start(context, callback as AnyReplyCallback, readBody, encode);
  }

  /**
   * Registers a fresh request id with its callback (before the request is sent), sends what `build`
   * makes for that id and this link's `reply_to` (or queues it until there is credit) and returns the
   * cancellation; when the link has failed, calls `callback` with the failure at once instead.
   */
  private start(context: TranslateContext, callback: AnyReplyCallback, readBody: ReplyBodyReader<unknown> | undefined, build: (id: string, replyTo: string) => Message | Buffer): () => void {
    if (this.failure) {
      callback(this.failure, undefined);
      return noop;
    }
    const id = this.idPrefix + ++this.nextId;
    this.pending.set(id, new Pending(callback, context, readBody));
    this.waits.begin();
    this.dispatch(id, build(id, this.replyTo));
    return () => {
      if (this.pending.delete(id)) this.waits.end();
    };
  }

  /** Sends the request now, or queues it until there is credit. */
  private dispatch(id: string, message: Message | Buffer): void {
    if (this.queued.length === 0 && this.sender.sendable()) this.transmit(message);
    else this.queued.push({ id, message });
  }

  /** An encoded request goes out as one transfer frame written at once when it can (see {@link sendPresettled}), else through rhea. */
  private transmit(message: Message | Buffer): void {
    if (!Buffer.isBuffer(message)) this.sender.send(message);
    else if (!sendPresettled(this.sender, message)) this.sender.send(message, { format: 0 });
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

  /**
   * A reply arrives undecoded (the link's session delivers its bytes): a successful reply to a request
   * with a {@link ReplyBodyReader} is answered from its bytes — at once when it has the {@link ReplyForm}
   * of the last one read whole, else read whole ({@link readReply}); any other is decoded by rhea and
   * handled by {@link onMessage}.
   */
  private readonly onReply = (context: EventContext): void => {
    if (context.delivery) settleReceived(context.delivery);
    const received: unknown = context.message;
    if (!Buffer.isBuffer(received)) {
      if (received) this.onMessage(received as Message);
      return;
    }
    const form = this.form;
    if (form !== undefined && form.matches(received)) {
      // A reply of this form is a success (its status is the form's) with the value where the form has it.
      const id = received.toString('utf8', form.idAt, form.idEnd);
      const pending = this.pending.get(id);
      if (pending === undefined) return;
      const reader = pending.readBody;
      if (reader !== undefined && reader === form.reader) {
        if (this.answer(id, pending, reader.read(received, form.valueAt))) return;
      } else if (this.readWhole(received)) {
        return;
      }
    } else if (this.readWhole(received)) {
      return;
    }
    this.onMessage(rheaMessage.decode(received) as unknown as Message);
  };

  /**
   * Reads a reply whole: true when it was dropped (no such request) or answered with what the request's
   * {@link ReplyBodyReader} read (its form is then kept); false when rhea is to decode it.
   */
  private readWhole(received: Buffer): boolean {
    const head = readReply(received);
    if (head === undefined) return false;
    const pending = this.pending.get(head.correlationId);
    if (pending === undefined) return true;
    const reader = pending.readBody;
    if (reader === undefined || head.status < 200 || head.status >= 300) return false;
    const at = reader.locate(received, head.bodyAt);
    if (at < 0 || !this.answer(head.correlationId, pending, reader.read(received, at))) return false;
    this.form = ReplyForm.of(received, head.idAt, head.idEnd, at, at + reader.width, reader);
    return true;
  }

  /** Answers the request `id` with `value` read from its reply; false (nothing done) when there is none. */
  private answer(id: string, pending: Pending, value: unknown): boolean {
    if (value === undefined) return false;
    this.pending.delete(id);
    this.waits.end();
    pending.callback(undefined, value);
    return true;
  }

  /** A decoded reply: matched to its request by `correlation_id`, and its status translated. */
  private onMessage(reply: Message): void {
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
  }
}

function noop(): void {}

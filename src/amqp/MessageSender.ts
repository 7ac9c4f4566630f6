import { Observable, type Subscriber } from 'rxjs';
import { SenderEvents, type AmqpError, type EventContext, type Message, type Sender } from 'rhea-promise';
import { ServiceBusRxError, translateAmqpError, type TranslateContext } from '../errors';
import { UNCOUNTED, type WaitCounter } from './PeerWatchdog';

/**
 * A sender link that reports each transfer's outcome: one listener per outcome for all transfers
 * (a map by delivery id, no timer per message). Transfers wait locally while the link has no credit.
 */
export class MessageSender {
  private readonly pending = new Map<number, Subscriber<void>>();
  private readonly queued: Array<{ payload: Message | Buffer; format: number | undefined; subscriber: Subscriber<void> }> = [];
  private failure: ServiceBusRxError | undefined;

  constructor(
    readonly link: Sender,
    private readonly context: TranslateContext,
    /** Told of each transfer from send to the broker's outcome (or failure). */
    private readonly waits: WaitCounter = UNCOUNTED,
  ) {
    link.on(SenderEvents.accepted, this.onAccepted);
    link.on(SenderEvents.rejected, this.onRefused);
    link.on(SenderEvents.released, this.onRefused);
    link.on(SenderEvents.modified, this.onRefused);
    link.on(SenderEvents.sendable, this.onSendable);
  }

  /** The broker's `max-message-size` for this link; 0 = no limit. */
  get maxMessageSize(): number {
    const size: unknown = this.link.maxMessageSize;
    return typeof size === 'number' && Number.isFinite(size) && size > 0 ? size : 0;
  }

  /**
   * Cold: transfers `payload` (a message, or pre-encoded bytes with `format`) unsettled and completes
   * when the broker accepts it. Errors with the translated `rejected` error, a retryable
   * `ServiceBusRxError` for `released`/`modified`, or the link's failure. Unsubscribing stops waiting
   * (a transfer already written cannot be recalled).
   */
  send(payload: Message | Buffer, format?: number): Observable<void> {
    return new Observable<void>((subscriber) => {
      if (this.failure) return subscriber.error(this.failure);
      if (this.queued.length === 0 && this.link.sendable()) this.transfer(payload, format, subscriber);
      else this.queued.push({ payload, format, subscriber });
      return undefined;
    });
  }

  /** Fails every outstanding and future transfer and removes this object's listeners. */
  fail(error: ServiceBusRxError): void {
    if (this.failure) return;
    this.failure = error;
    this.link.removeListener(SenderEvents.accepted, this.onAccepted);
    this.link.removeListener(SenderEvents.rejected, this.onRefused);
    this.link.removeListener(SenderEvents.released, this.onRefused);
    this.link.removeListener(SenderEvents.modified, this.onRefused);
    this.link.removeListener(SenderEvents.sendable, this.onSendable);
    const waiting = [...this.pending.values(), ...this.queued.map((q) => q.subscriber)];
    for (let i = 0; i < this.pending.size; i++) this.waits.end();
    this.pending.clear();
    this.queued.length = 0;
    for (const s of waiting) s.error(error);
  }

  private transfer(payload: Message | Buffer, format: number | undefined, subscriber: Subscriber<void>): void {
    if (subscriber.closed) return;
    const delivery = format === undefined ? this.link.send(payload) : this.link.send(payload, { format });
    this.pending.set(delivery.id, subscriber);
    this.waits.begin();
  }

  private readonly onSendable = (): void => {
    while (this.queued.length > 0 && this.link.sendable()) {
      const next = this.queued.shift();
      if (next) this.transfer(next.payload, next.format, next.subscriber);
    }
  };

  private readonly onAccepted = (context: EventContext): void => {
    const id = context.delivery?.id;
    if (id === undefined) return;
    const subscriber = this.pending.get(id);
    if (!subscriber) return;
    this.pending.delete(id);
    this.waits.end();
    subscriber.next();
    subscriber.complete();
  };

  private readonly onRefused = (context: EventContext): void => {
    const delivery = context.delivery;
    if (!delivery) return;
    const subscriber = this.pending.get(delivery.id);
    if (!subscriber) return;
    this.pending.delete(delivery.id);
    this.waits.end();
    const error = (delivery.remote_state as { error?: AmqpError } | undefined)?.error;
    subscriber.error(
      error?.condition
        ? translateAmqpError(error, this.context)
        : new ServiceBusRxError('The broker did not accept the message (released or modified).', { retryable: true }),
    );
  };
}

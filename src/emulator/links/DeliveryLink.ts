import { markLink } from '../rhea/processMarkedLinks';
import { emulatorLogger as log } from '../emulatorLogger';
import type { Delivery, EventContext, Sender } from 'rhea';
import type { BrokerServices } from '../BrokerServices';
import type { BrokerConnection } from '../connection/BrokerConnection';
import type { Consumer } from '../entities/Consumer';
import type { MessageSession } from '../entities/MessageSession';
import type { Queue } from '../entities/Queue';
import type { StoredMessage } from '../entities/StoredMessage';
import { answerDrainExactly } from '../rhea/answerDrainExactly';
import { AscendingIdMap } from './AscendingIdMap';
import { ACCEPTED, RELEASED, message as outcomes } from '../rhea/codec';
import { forgetLinkDeliveries } from '../rhea/forgetLinkDeliveries';
import { deliveryInternals, senderInternals } from '../rhea/internals';
import { Conditions, type AmqpError } from '../wire/conditions';
import { asRecord, asString } from '../wire/values';

/** The outcome events rhea raises for a client's disposition (with `treat_modified_as_released: false`). */
export type OutcomeEvent = 'accepted' | 'rejected' | 'released' | 'modified';

/**
 * The broker's sending end of a client receiver on a queue, a dead-letter queue or one session: sends
 * messages within the client's credit (each with a 16-byte lock-token tag), answers drain exactly, and
 * applies the client's settlements to the queue, settling them back (gotcha G5).
 */
export class DeliveryLink implements Consumer {
  /** Deliveries sent on this link (the link's delivery-count from the broker's side). */
  private sent = 0;
  /** The messages sent and not settled yet, by delivery id (ascending: rhea numbers a session's deliveries upward). */
  private readonly unsettled = new AscendingIdMap<StoredMessage>();
  private closed = false;
  /** The locked session, for a session receiver (set once the lock is granted). */
  session: MessageSession | undefined = undefined;
  /** A next-available wait in progress (the attach is held until it ends). */
  pending: { cancel(): void } | undefined = undefined;

  constructor(
    readonly sender: Sender,
    readonly queue: Queue,
    readonly owner: BrokerConnection,
    private readonly services: BrokerServices,
    /** `snd-settle-mode settled`: pre-settled deliveries, messages removed as they are sent. */
    readonly receiveAndDelete: boolean,
  ) {
    answerDrainExactly(sender);
  }

  get name(): string {
    return this.sender.name;
  }

  /** Credit the client granted that is not used yet. */
  private credit(): number {
    const link = senderInternals(this.sender);
    return link.credit + link.delivery_count - this.sent;
  }

  /** Sends available messages while the link has credit and rhea has room for more transfers. */
  pump(): void {
    if (this.closed || !this.sender.is_open()) return;
    if (this.queue.requiresSession && this.session === undefined) return;
    const outgoing = senderInternals(this.sender).session.outgoing;
    let credit = this.credit();
    const now = this.services.now();
    while (credit > 0 && outgoing.available() > 0) {
      const message = this.queue.take(this.session, now);
      if (message === undefined) break;
      this.deliver(message, now);
      credit--;
    }
  }

  /** Handles a flow from the client: new credit, possibly a drain request. */
  onFlow(): void {
    this.pump();
    const link = senderInternals(this.sender);
    if (link._draining && !this.closed) {
      // Nothing more to send: consume the remaining credit and echo the drain (G1, G2).
      this.sent = link.credit + link.delivery_count;
      this.sender.set_drained(true);
      // set_drained only flags the flow: this link's pass must come (see processMarkedLinks).
      markLink(this.sender);
    }
  }

  private deliver(message: StoredMessage, now: number): void {
    const tokens = this.services.lockTokens;
    const token = tokens.next();
    if (this.receiveAndDelete) {
      this.sender.send(message.encode(undefined), tokens.tag(token), 0);
      this.sent++;
      this.queue.complete(message);
      return;
    }
    const lockedUntil = this.session?.lockedUntil ?? now + this.queue.options.lockDurationMs;
    const delivery = this.sender.send(message.encode(lockedUntil), tokens.tag(token), 0);
    this.sent++;
    this.unsettled.set(delivery.id, message);
    this.queue.lockDelivery(message, token, this, delivery.id, this.session, now);
  }

  /** Applies the client's disposition of one delivery and settles it back. */
  onOutcome(event: OutcomeEvent, delivery: Delivery): void {
    if (this.receiveAndDelete || delivery.settled) return;
    const message = this.unsettled.get(delivery.id);
    if (message === undefined || message.lock?.holder !== this || message.lock.deliveryId !== delivery.id) {
      this.unsettled.delete(delivery.id);
      settle(delivery, outcomes.rejected({ error: this.lockLostError() }).described());
      return;
    }
    this.unsettled.delete(delivery.id);
    if (log.verbose.enabled) log.verbose(`message ${message.sequenceNumber} of '${this.queue.name}'${this.session === undefined ? '' : ` (session '${this.session.id}')`} settled: ${event}`);
    if (event === 'accepted') {
      // The common case first: nothing below (the clock, the client's state) is needed for it.
      this.queue.complete(message);
      settle(delivery, ACCEPTED);
      return;
    }
    const now = this.services.now();
    const state = asRecord(delivery.remote_state) ?? {};
    switch (event) {
      case 'released':
        this.queue.abandon(message, undefined, now);
        settle(delivery, RELEASED);
        break;
      case 'modified': {
        const properties = asRecord(state['message_annotations']);
        if (state['undeliverable_here'] === true) this.queue.defer(message, properties);
        else this.queue.abandon(message, properties, now);
        settle(delivery, outcomes.modified({ delivery_failed: state['delivery_failed'] === true, undeliverable_here: state['undeliverable_here'] === true }).described());
        break;
      }
      case 'rejected': {
        const error = asRecord(state['error']);
        const { DeadLetterReason, DeadLetterErrorDescription, ...properties } = asRecord(error?.['info']) ?? {};
        this.queue.deadLetter(
          message,
          {
            reason: asString(DeadLetterReason) ?? (error === undefined ? undefined : asString(error['condition'])),
            description: asString(DeadLetterErrorDescription) ?? (error === undefined ? undefined : asString(error['description'])),
            properties,
          },
          now,
        );
        // An error-free rejected state: echoing the client's error would fail its settle call (doc 4.5).
        settle(delivery, outcomes.rejected().described());
        break;
      }
    }
  }

  private lockLostError(): AmqpError {
    return this.queue.requiresSession
      ? { condition: Conditions.sessionLockLost, description: 'The session lock was lost. Accept the session again.' }
      : { condition: Conditions.messageLockLost, description: 'The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.' };
  }

  /** @inheritdoc */
  forget(deliveryId: number): void {
    this.unsettled.delete(deliveryId);
  }

  /** @inheritdoc */
  takeUnsettled(): StoredMessage[] {
    const messages = this.unsettled.values();
    this.unsettled.clear();
    return messages;
  }

  /** @inheritdoc */
  lost(error: AmqpError): void {
    this.session = undefined;
    this.close(error);
  }

  /**
   * Releases what the link holds: a pending next-available wait is cancelled; a session lock is released
   * at once (unsettled messages redelivered with delivery count + 1); a plain-queue consumer stops
   * receiving and its message locks run out normally (the SDK may still settle them through
   * `$management`). Idempotent.
   */
  release(): void {
    if (this.closed) return;
    this.closed = true;
    forgetLinkDeliveries(this.sender);
    this.owner.removeDeliveryLink(this);
    this.pending?.cancel();
    this.pending = undefined;
    const session = this.session;
    this.session = undefined;
    if (session !== undefined) this.queue.sessions.release(session, false);
    else this.queue.removeConsumer(this);
  }

  /** Releases the link and detaches it, with `error` if given. */
  close(error?: AmqpError): void {
    this.release();
    if (!this.sender.is_closed()) this.sender.close(error);
  }

  /** Wires the rhea events of the link to this object; `guard` reports handler failures. */
  listen(guard: (handler: (context: EventContext) => void) => (context: EventContext) => void): void {
    const sender = this.sender;
    sender.on('sender_flow', guard(() => this.onFlow()));
    sender.on('sendable', guard(() => this.pump()));
    for (const event of ['accepted', 'rejected', 'released', 'modified'] as const) {
      sender.on(event, guard((context) => context.delivery && this.onOutcome(event, context.delivery)));
    }
    sender.on('sender_error', () => undefined);
    sender.on('sender_close', guard(() => this.release()));
  }
}

function settle(delivery: Delivery, state: unknown): void {
  delivery.update(true, state);
  // rhea frees an outgoing delivery only once both sides settled; the SDK never settles after us (G5).
  deliveryInternals(delivery).remote_settled = true;
}

import type { Observable, Subscriber } from 'rxjs';
import type { Delivery, Message } from 'rhea-promise';
import { InvalidArgumentError } from '../errors';
import type { OperationOptions } from '../client/OperationOptions';
import { decodeBody } from '../client/messageBody';
import { longToBigInt } from '../amqp/amqpLong';
import { lockTokenFromDeliveryTag } from '../amqp/lockToken';
import { validateTimeout } from '../retry/validateTimeout';
import type { DeadLetterOptions, MessageState, PeekedMessage, PropertiesToModify, ReceivedMessage } from './ReceivedMessage';

/** The four ways to settle a message. */
export type SettlementKind = 'complete' | 'abandon' | 'defer' | 'deadLetter';

/** A requested settlement (built once per call; validated at the call). */
export interface Settlement {
  readonly kind: SettlementKind;
  readonly propertiesToModify: PropertiesToModify | undefined;
  readonly reason: string | undefined;
  readonly description: string | undefined;
  readonly timeout: number | undefined;
}

/** What settles messages: the session they came from. */
export interface MessageSettler {
  settle(message: SessionMessage, settlement: Settlement): Observable<void>;
}

/** The settlement of `complete()` without options (the hot path allocates nothing for it). */
const COMPLETE: Settlement = Object.freeze({ kind: 'complete', propertiesToModify: undefined, reason: undefined, description: undefined, timeout: undefined });
const EMPTY_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze({});
const UNDECODED = Symbol('undecoded');
const STATES: readonly MessageState[] = ['active', 'deferred', 'scheduled'];

/** The data of a message read from the broker (peeked, received or deferred). Body decoded on first read. */
export class PeekedSessionMessage implements PeekedMessage {
  readonly messageId: string | number | Buffer | undefined;
  readonly correlationId: string | number | Buffer | undefined;
  readonly subject: string | undefined;
  readonly contentType: string | undefined;
  readonly to: string | undefined;
  readonly replyTo: string | undefined;
  readonly replyToSessionId: string | undefined;
  readonly sessionId: string;
  readonly sequenceNumber: bigint;
  readonly deliveryCount: number;
  readonly enqueuedTime: Date;
  readonly lockedUntil: Date | undefined;
  readonly timeToLive: number | undefined;
  readonly scheduledEnqueueTime: Date | undefined;
  readonly partitionKey: string | undefined;
  readonly applicationProperties: Readonly<Record<string, unknown>>;
  readonly state: MessageState;
  private decoded: unknown = UNDECODED;

  constructor(
    /** The message as rhea decoded it (kept for the body and rarely read fields). */
    readonly raw: Message,
    fallbackSessionId: string,
  ) {
    const a = raw.message_annotations;
    this.messageId = raw.message_id;
    this.correlationId = raw.correlation_id;
    this.subject = raw.subject;
    this.contentType = raw.content_type;
    this.to = raw.to;
    this.replyTo = raw.reply_to;
    this.replyToSessionId = raw.reply_to_group_id;
    this.sessionId = raw.group_id ?? fallbackSessionId;
    this.deliveryCount = raw.delivery_count ?? 0;
    this.timeToLive = raw.ttl;
    this.applicationProperties = raw.application_properties ?? EMPTY_PROPERTIES;
    if (a === undefined) {
      this.sequenceNumber = -1n;
      this.enqueuedTime = new Date(0);
      this.lockedUntil = undefined;
      this.scheduledEnqueueTime = undefined;
      this.partitionKey = undefined;
      this.state = 'active';
    } else {
      this.sequenceNumber = longToBigInt(a['x-opt-sequence-number']) ?? -1n;
      this.enqueuedTime = asDate(a['x-opt-enqueued-time']) ?? new Date(0);
      this.lockedUntil = asDate(a['x-opt-locked-until']);
      this.scheduledEnqueueTime = asDate(a['x-opt-scheduled-enqueue-time']);
      this.partitionKey = typeof a['x-opt-partition-key'] === 'string' ? a['x-opt-partition-key'] : undefined;
      const state: unknown = a['x-opt-message-state'];
      this.state = (typeof state === 'number' ? STATES[state] : undefined) ?? 'active';
    }
  }

  get body(): unknown {
    if (this.decoded === UNDECODED) this.decoded = decodeBody(this.raw.body);
    return this.decoded;
  }

  get deadLetterReason(): string | undefined {
    const v = this.applicationProperties['DeadLetterReason'];
    return typeof v === 'string' ? v : undefined;
  }

  get deadLetterErrorDescription(): string | undefined {
    const v = this.applicationProperties['DeadLetterErrorDescription'];
    return typeof v === 'string' ? v : undefined;
  }
}

/**
 * A message received from a session: on its receive link (`delivery` set; settled on the link), or
 * by sequence number (`managementLockToken` set; settled with `update-disposition`).
 */
export class SessionMessage extends PeekedSessionMessage implements ReceivedMessage {
  /** Set once a settlement was started; a second one is refused. */
  settling = false;
  /** The subscriber waiting for the broker's confirmation of a link settlement. */
  pending: Subscriber<void> | undefined = undefined;
  private token: string | undefined = undefined;

  constructor(
    private readonly settler: MessageSettler,
    raw: Message,
    fallbackSessionId: string,
    /** rhea delivery (link messages); undefined for deferred messages. */
    readonly delivery: Delivery | undefined,
    /** Lock token of a message received by sequence number (peekLock). */
    readonly managementLockToken: string | undefined,
    /** Whether the message can be settled (peekLock). */
    readonly settleable: boolean,
  ) {
    super(raw, fallbackSessionId);
  }

  get lockToken(): string | undefined {
    if (!this.settleable) return undefined;
    if (this.managementLockToken !== undefined) return this.managementLockToken;
    if (this.token === undefined && this.delivery) this.token = lockTokenFromDeliveryTag(this.delivery.tag);
    return this.token;
  }

  complete(options?: OperationOptions): Observable<void> {
    return this.settler.settle(this, options === undefined ? COMPLETE : settlement('complete', undefined, undefined, undefined, options.timeout));
  }

  abandon(propertiesToModify?: PropertiesToModify, options?: OperationOptions): Observable<void> {
    return this.settler.settle(this, settlement('abandon', propertiesToModify, undefined, undefined, options?.timeout));
  }

  defer(propertiesToModify?: PropertiesToModify, options?: OperationOptions): Observable<void> {
    return this.settler.settle(this, settlement('defer', propertiesToModify, undefined, undefined, options?.timeout));
  }

  deadLetter(options?: DeadLetterOptions): Observable<void> {
    if (options?.reason !== undefined && typeof options.reason !== 'string') throw new InvalidArgumentError('options.reason', 'must be a string', options.reason);
    if (options?.description !== undefined && typeof options.description !== 'string') {
      throw new InvalidArgumentError('options.description', 'must be a string', options.description);
    }
    return this.settler.settle(this, settlement('deadLetter', options?.propertiesToModify, options?.reason, options?.description, options?.timeout));
  }
}

function settlement(kind: SettlementKind, props: unknown, reason: string | undefined, description: string | undefined, timeout: unknown): Settlement {
  if (props !== undefined && (typeof props !== 'object' || props === null || Array.isArray(props))) {
    throw new InvalidArgumentError('propertiesToModify', 'must be a plain object', props);
  }
  return { kind, propertiesToModify: props as PropertiesToModify | undefined, reason, description, timeout: validateTimeout('options.timeout', timeout) };
}

function asDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  return undefined;
}

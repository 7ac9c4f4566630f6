import type { Observable, Subscriber } from 'rxjs';
import { message as rheaMessage, type Delivery, type Message } from 'rhea';
import { InvalidArgumentError } from '../errors';
import type { OperationOptions } from '../retry/OperationOptions';
import { decodeBody } from '../amqp/messageBody';
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
  /** The session's signal (see `Session.signal`). */
  readonly signal: AbortSignal;
  settle(message: SessionMessage, settlement: Settlement): Observable<void>;
}

/** The settlement of `complete()` without options (the hot path allocates nothing for it). */
const COMPLETE: Settlement = Object.freeze({ kind: 'complete', propertiesToModify: undefined, reason: undefined, description: undefined, timeout: undefined });
const EMPTY_PROPERTIES: Readonly<Record<string, unknown>> = Object.freeze({});
const UNDECODED = Symbol('undecoded');
const STATES: readonly MessageState[] = ['active', 'deferred', 'scheduled'];

/** The fields of a message, read from rhea's decoding once (on first access); the body and the dead-letter reasons are read on their own. */
type Fields = Omit<PeekedMessage, 'body' | 'deadLetterReason' | 'deadLetterErrorDescription'>;

/**
 * The data of a message read from the broker (peeked, received or deferred). Decoded on first read:
 * a message received on a session link arrives as its encoded bytes, so receiving and settling a
 * message whose fields are never read costs no decoding; the body is decoded on its own first read.
 */
export class PeekedSessionMessage implements PeekedMessage {
  /** The decoded message, or its encoded bytes until something is read. */
  private source: Message | Buffer;
  private fieldValues: Fields | undefined;
  private decoded: unknown = UNDECODED;

  constructor(
    /** The message as rhea decoded it, or its encoded bytes (`rhea.message.decode` on first read). */
    source: Message | Buffer,
    private readonly fallbackSessionId: string,
  ) {
    this.source = source;
  }

  /** The message as rhea decodes it (kept for the body and rarely read fields). */
  get raw(): Message {
    if (Buffer.isBuffer(this.source)) this.source = rheaMessage.decode(this.source) as unknown as Message;
    return this.source;
  }

  get messageId(): string | number | Buffer | undefined {
    return this.fields.messageId;
  }
  get correlationId(): string | number | Buffer | undefined {
    return this.fields.correlationId;
  }
  get subject(): string | undefined {
    return this.fields.subject;
  }
  get contentType(): string | undefined {
    return this.fields.contentType;
  }
  get to(): string | undefined {
    return this.fields.to;
  }
  get replyTo(): string | undefined {
    return this.fields.replyTo;
  }
  get replyToSessionId(): string | undefined {
    return this.fields.replyToSessionId;
  }
  get sessionId(): string {
    return this.fields.sessionId;
  }
  get sequenceNumber(): bigint {
    return this.fields.sequenceNumber;
  }
  get deliveryCount(): number {
    return this.fields.deliveryCount;
  }
  get enqueuedTime(): Date {
    return this.fields.enqueuedTime;
  }
  get lockedUntil(): Date | undefined {
    return this.fields.lockedUntil;
  }
  get timeToLive(): number | undefined {
    return this.fields.timeToLive;
  }
  get scheduledEnqueueTime(): Date | undefined {
    return this.fields.scheduledEnqueueTime;
  }
  get partitionKey(): string | undefined {
    return this.fields.partitionKey;
  }
  get applicationProperties(): Readonly<Record<string, unknown>> {
    return this.fields.applicationProperties;
  }
  get state(): MessageState {
    return this.fields.state;
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

  private get fields(): Fields {
    return (this.fieldValues ??= readFields(this.raw, this.fallbackSessionId));
  }
}

/**
 * A message received from a session: on its receive link (`delivery` set; settled on the link), or
 * by sequence number (`managementLockToken` set; settled with `update-disposition`).
 */
export class SessionMessage extends PeekedSessionMessage implements ReceivedMessage {
  /** Set once a settlement was started; a second one is refused. */
  settling = false;
  /** The settlement started (for the error of one whose outcome becomes unknown). */
  settledAs: SettlementKind | undefined = undefined;
  /** The subscriber waiting for the broker's confirmation of a link settlement. */
  pending: Subscriber<void> | undefined = undefined;
  /** The receive span's context (an OpenTelemetry `Context`) when tracing is on: settlement spans' parent. */
  traceContext: object | undefined = undefined;
  private token: string | undefined = undefined;

  constructor(
    private readonly settler: MessageSettler,
    raw: Message | Buffer,
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

  get signal(): AbortSignal {
    return this.settler.signal;
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

function readFields(raw: Message, fallbackSessionId: string): Fields {
  const a = raw.message_annotations;
  const common = {
    messageId: raw.message_id,
    correlationId: raw.correlation_id,
    subject: raw.subject,
    contentType: raw.content_type,
    to: raw.to,
    replyTo: raw.reply_to,
    replyToSessionId: raw.reply_to_group_id,
    sessionId: raw.group_id ?? fallbackSessionId,
    deliveryCount: raw.delivery_count ?? 0,
    timeToLive: raw.ttl,
    applicationProperties: raw.application_properties ?? EMPTY_PROPERTIES,
  };
  if (a === undefined) {
    return { ...common, sequenceNumber: -1n, enqueuedTime: new Date(0), lockedUntil: undefined, scheduledEnqueueTime: undefined, partitionKey: undefined, state: 'active' };
  }
  const state: unknown = a['x-opt-message-state'];
  return {
    ...common,
    sequenceNumber: longToBigInt(a['x-opt-sequence-number']) ?? -1n,
    enqueuedTime: asDate(a['x-opt-enqueued-time']) ?? new Date(0),
    lockedUntil: asDate(a['x-opt-locked-until']),
    scheduledEnqueueTime: asDate(a['x-opt-scheduled-enqueue-time']),
    partitionKey: typeof a['x-opt-partition-key'] === 'string' ? a['x-opt-partition-key'] : undefined,
    state: (typeof state === 'number' ? STATES[state] : undefined) ?? 'active',
  };
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

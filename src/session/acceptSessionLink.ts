import { Observable, timer, type SchedulerLike, type Subscriber, type Subscription, type Unsubscribable } from 'rxjs';
import { generate_uuid, types, type ReceiverOptions } from 'rhea';
import { ServiceBusRxError, ServiceTimeoutError, SessionCannotBeLockedError } from '../errors';
import type { AmqpConnection } from '../amqp/AmqpConnection';
import type { OpenedReceiver, ReceiverLink } from '../amqp/openReceiverLink';
import { ticksToDate } from '../amqp/dotnetTicks';
import { sessionLogger as log } from '../observability/logger';
import { SessionReceiver, type SessionReceiverInit } from './SessionReceiver';

/** How long to wait for the broker's detach error after an attach that locked no session. */
const REFUSAL_GRACE_MS = 1_000;
const SESSION_FILTER = 'com.microsoft:session-filter';

/** One accept attempt (internal): what to lock and how to build the session once locked. */
export interface AcceptAttempt {
  readonly amqp: AmqpConnection;
  readonly entityPath: string;
  /** A specific session, or `undefined` for the next available one. */
  readonly sessionId: string | undefined;
  /** Next-available only: how long the broker may wait for a session (`com.microsoft:timeout`, ms). */
  readonly brokerTimeout: number;
  readonly scheduler: SchedulerLike;
  /** The session's settings, minus what the attach yields. */
  readonly session: Omit<SessionReceiverInit, 'amqp' | 'entityPath' | 'sessionId' | 'lockedUntil' | 'link' | 'receiverLink'>;
}

/**
 * Cold: attaches a session receiver (protocol doc 4.1) and emits the {@link SessionReceiver} once
 * the broker locked a session for it, then completes. From then on the session owns the link.
 * - Specific session refused (locked elsewhere): errors with `SessionCannotBeLockedError`.
 * - Next available, none within `brokerTimeout` (broker detach `com.microsoft:timeout`): completes
 *   without emitting.
 * Other failures error with the translated error. Unsubscribing before the session is emitted
 * detaches the link.
 */
export function acceptSessionLink(attempt: AcceptAttempt): Observable<SessionReceiver> {
  return new Observable<SessionReceiver>((subscriber) => new AcceptWatch(attempt, subscriber).start());
}

/**
 * One accept's watch of its link (the observer of `openReceiver`, and the accept's teardown). Once the
 * session is emitted it keeps only the session: the watch lives as long as the session (it reports
 * link failures to it) and must not keep the accept's settings, subscriber or the caller's operators.
 */
class AcceptWatch {
  private attempt: AcceptAttempt | undefined;
  private waiting: Subscriber<SessionReceiver> | undefined;
  private session: SessionReceiver | undefined;
  private grace: Subscription | undefined;
  private receiverLink: ReceiverLink | undefined;
  private readonly sessionId: string | undefined;
  private readonly entityPath: string;

  constructor(attempt: AcceptAttempt, subscriber: Subscriber<SessionReceiver>) {
    this.attempt = attempt;
    this.waiting = subscriber;
    this.sessionId = attempt.sessionId;
    this.entityPath = attempt.entityPath;
  }

  /** Attaches the link; returns the accept's teardown (this). */
  start(): Unsubscribable {
    const { amqp, entityPath, sessionId, session: settings } = this.attempt as AcceptAttempt;
    const name = `${entityPath}-${generate_uuid()}`;
    const peekLock = settings.receiveMode === 'peekLock';
    const properties: Record<string, unknown> = { 'com.microsoft:receiver-name': name };
    if (sessionId === undefined) properties['com.microsoft:timeout'] = types.wrap_uint(Math.min(Math.floor((this.attempt as AcceptAttempt).brokerTimeout), 0xffffffff));
    const options: ReceiverOptions = {
      name,
      source: { address: entityPath, filter: { [SESSION_FILTER]: sessionId ?? null } },
      target: { address: name },
      credit_window: 0,
      autoaccept: false,
      snd_settle_mode: peekLock ? 0 : 1,
      rcv_settle_mode: peekLock ? 1 : 0,
      properties,
    };
    // A next-available attach is held by the broker until a session is free: not a silence to act on.
    this.receiverLink = amqp.openReceiver(entityPath, options, { entityPath, sessionId }, sessionId !== undefined, this);
    return this;
  }

  /** The broker answered the attach: a locked session, or a refusal (an attach without the filter). */
  next({ link, filter, properties: attachProperties }: OpenedReceiver): void {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    const { sessionId } = this;
    const locked: unknown = filter?.[SESSION_FILTER];
    if (typeof locked !== 'string' || (sessionId !== undefined && locked !== sessionId)) {
      // A refusal is an attach without the filter, followed at once by a detach carrying the reason.
      this.grace = timer(REFUSAL_GRACE_MS, attempt.scheduler).subscribe(() => this.refused(undefined));
      return;
    }
    const lockedUntil = ticksToDate(attachProperties?.['com.microsoft:locked-until-utc']);
    if (!lockedUntil || Number.isNaN(lockedUntil.getTime())) {
      this.receiverLink?.unsubscribe();
      this.waiting?.error(new ServiceBusRxError(`The broker locked session '${locked}' without com.microsoft:locked-until-utc.`, { condition: 'amqp:decode-error' }));
      return;
    }
    const { amqp, entityPath, session: settings } = attempt;
    const receiverLink = this.receiverLink as ReceiverLink;
    // Field by field, not a spread of the settings: a spread's copy got a hidden class of its own per
    // session (~0.4 KB each, measured in a heap snapshot); a literal shares one.
    const session = new SessionReceiver({
      amqp,
      entityPath,
      sessionId: locked,
      lockedUntil,
      receiveMode: settings.receiveMode,
      link,
      receiverLink,
      maxCredit: settings.maxCredit,
      stateCodec: settings.stateCodec,
      idleTimeout: settings.idleTimeout,
      scheduler: settings.scheduler,
      retry: settings.retry,
      tickPeriod: settings.tickPeriod,
      expiringSoonThreshold: settings.expiringSoonThreshold,
      lockSafetyMargin: settings.lockSafetyMargin,
      autoRenew: settings.autoRenew,
      onClosed: settings.onClosed,
    });
    this.session = session;
    if (log.enabled('info')) log.info(`accepted session '${locked}' on '${entityPath}' (${settings.receiveMode}, locked until ${lockedUntil.toISOString()})`);
    const emitTo = this.waiting;
    // From here on the watch keeps the session only.
    this.waiting = undefined;
    this.attempt = undefined;
    this.receiverLink = undefined;
    emitTo?.next(session);
    emitTo?.complete();
  }

  /** The link failed: before the session was emitted a refusal or failure of the accept, after it the session's. */
  error(error: ServiceBusRxError): void {
    if (this.session) this.session.onLinkFailure(error);
    else this.refused(error);
  }

  /** The accept's teardown: unsubscribing before the session is emitted detaches the link. */
  unsubscribe(): void {
    this.grace?.unsubscribe();
    if (!this.session) this.receiverLink?.unsubscribe();
  }

  private refused(error: ServiceBusRxError | undefined): void {
    this.grace?.unsubscribe();
    this.receiverLink?.unsubscribe();
    const { sessionId, entityPath, waiting } = this;
    if (sessionId === undefined) {
      if (log.enabled('verbose')) log.verbose(`no session of '${entityPath}' available${error === undefined ? '' : `: ${error.message}`}`);
      // Nothing to lock within the broker's wait: an empty result, not a failure.
      if (error === undefined || error instanceof ServiceTimeoutError || error instanceof SessionCannotBeLockedError) waiting?.complete();
      else waiting?.error(error);
      return;
    }
    waiting?.error(error ?? new SessionCannotBeLockedError(sessionId));
  }
}

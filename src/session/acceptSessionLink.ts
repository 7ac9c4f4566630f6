import { Observable, timer, type SchedulerLike, type Subscriber, type Subscription } from 'rxjs';
import { generate_uuid, types, type ReceiverOptions } from 'rhea';
import { ServiceBusRxError, ServiceTimeoutError, SessionCannotBeLockedError } from '../errors';
import type { AmqpConnection } from '../amqp/AmqpConnection';
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
  readonly session: Omit<SessionReceiverInit, 'amqp' | 'entityPath' | 'sessionId' | 'lockedUntil' | 'link' | 'detachLink' | 'linkSubscription'>;
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
  return new Observable<SessionReceiver>((subscriber) => {
    const { amqp, entityPath, sessionId, session: settings } = attempt;
    const name = `${entityPath}-${generate_uuid()}`;
    const peekLock = settings.receiveMode === 'peekLock';
    const properties: Record<string, unknown> = { 'com.microsoft:receiver-name': name };
    if (sessionId === undefined) properties['com.microsoft:timeout'] = types.wrap_uint(Math.min(Math.floor(attempt.brokerTimeout), 0xffffffff));
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

    let session: SessionReceiver | undefined;
    let grace: Subscription | undefined;
    let linkSubscription: Subscription | undefined;
    // Dropped once the session is emitted: the link watch below lives as long as the session, and
    // must not keep the finished accept chain (the caller's operators) alive with it.
    let waiting: Subscriber<SessionReceiver> | undefined = subscriber;

    const refused = (error: ServiceBusRxError | undefined): void => {
      grace?.unsubscribe();
      linkSubscription?.unsubscribe();
      if (sessionId === undefined) {
        if (log.enabled('verbose')) log.verbose(`no session of '${entityPath}' available${error === undefined ? '' : `: ${error.message}`}`);
        // Nothing to lock within the broker's wait: an empty result, not a failure.
        if (error === undefined || error instanceof ServiceTimeoutError || error instanceof SessionCannotBeLockedError) waiting?.complete();
        else waiting?.error(error);
        return;
      }
      waiting?.error(error ?? new SessionCannotBeLockedError(sessionId));
    };

    // A next-available attach is held by the broker until a session is free: not a silence to act on.
    linkSubscription = amqp.openReceiver(entityPath, options, { entityPath, sessionId }, sessionId !== undefined).subscribe({
      next: ({ link, close: detachLink, filter, properties: attachProperties }) => {
        const locked: unknown = filter?.[SESSION_FILTER];
        if (typeof locked !== 'string' || (sessionId !== undefined && locked !== sessionId)) {
          // A refusal is an attach without the filter, followed at once by a detach carrying the reason.
          grace = timer(REFUSAL_GRACE_MS, attempt.scheduler).subscribe(() => refused(undefined));
          return;
        }
        const lockedUntil = ticksToDate(attachProperties?.['com.microsoft:locked-until-utc']);
        if (!lockedUntil || Number.isNaN(lockedUntil.getTime())) {
          linkSubscription?.unsubscribe();
          waiting?.error(new ServiceBusRxError(`The broker locked session '${locked}' without com.microsoft:locked-until-utc.`, { condition: 'amqp:decode-error' }));
          return;
        }
        const watch = linkSubscription as Subscription;
        session = new SessionReceiver({ ...settings, amqp, entityPath, sessionId: locked, lockedUntil, link, detachLink, linkSubscription: watch });
        if (log.enabled('info')) log.info(`accepted session '${locked}' on '${entityPath}' (${settings.receiveMode}, locked until ${lockedUntil.toISOString()})`);
        const emitTo = waiting;
        waiting = undefined;
        emitTo?.next(session);
        emitTo?.complete();
      },
      error: (error: ServiceBusRxError) => {
        if (session) session.onLinkFailure(error);
        else refused(error);
      },
    });

    return () => {
      grace?.unsubscribe();
      if (!session) linkSubscription?.unsubscribe();
    };
  });
}

import { Observable, type SchedulerLike } from 'rxjs';
import type { Span } from '@opentelemetry/api';
import { endSpan, SPAN_KIND, startSpan, tracingEnabled } from '../observability/tracing';
import { tracingOperation } from '../observability/tracingOperation';
import { ATTR, messageIdAttribute, messagingAttributes } from '../observability/tracingAttributes';
import { metricsEnabled, recordLockLoss, recordRenewal, recordSettlement } from '../observability/metrics';
import type { SessionMessage, SettlementKind } from './SessionMessage';
import { receivedContext } from './traceReceived';

/** Operation names (the official SDKs' / conventions' spelling) of the settlement kinds. */
const SETTLE_OPERATION: Record<SettlementKind, string> = { complete: 'complete', abandon: 'abandon', defer: 'defer', deadLetter: 'dead_letter' };

/**
 * Settlement telemetry: a `<complete|abandon|defer|dead_letter> <entity>` client span (parent: the
 * message's receive span) and the settlement's duration on `messaging.client.operation.duration`
 * (measured on `scheduler`). Returns `settled$` itself when OpenTelemetry is absent.
 */
export function traceSettlement(settled$: Observable<void>, message: SessionMessage, kind: SettlementKind, entityPath: string, sessionId: string, scheduler: SchedulerLike): Observable<void> {
  const traced = tracingEnabled();
  if (!traced && !metricsEnabled()) return settled$;
  const operation = SETTLE_OPERATION[kind];
  const attributes = messagingAttributes(operation, 'settle', entityPath, sessionId);
  const timed$ = new Observable<void>((subscriber) => {
    const started = scheduler.now();
    return settled$.subscribe({
      next: (v) => subscriber.next(v),
      error: (error: unknown) => {
        recordSettlement(scheduler.now() - started, { ...attributes, 'error.type': error instanceof Error ? error.name : 'Error' });
        subscriber.error(error);
      },
      complete: () => {
        recordSettlement(scheduler.now() - started, attributes);
        subscriber.complete();
      },
    });
  });
  if (!traced) return timed$;
  const spanAttributes = { ...attributes };
  const id = messageIdAttribute(message.messageId);
  if (id !== undefined) spanAttributes[ATTR.messageId] = id;
  return tracingOperation(timed$, `${operation} ${entityPath}`, SPAN_KIND.client, spanAttributes, () => receivedContext(message));
}

/** A session operation (`renew_session_lock`, `get_session_state`, `set_session_state`) in a client span. */
export function traceSessionOperation<T>(source: Observable<T>, operation: string, entityPath: string, sessionId: string): Observable<T> {
  if (!tracingEnabled()) return source;
  return tracingOperation(source, `${operation} ${entityPath}`, SPAN_KIND.client, messagingAttributes(operation, undefined, entityPath, sessionId));
}

/** Starts the span of an automatic renewal (undefined when tracing is off); end it with `endSpan`. */
export function startRenewalSpan(entityPath: string, sessionId: string): Span | undefined {
  if (!tracingEnabled()) return undefined;
  return startSpan(`renew_session_lock ${entityPath}`, SPAN_KIND.client, messagingAttributes('renew_session_lock', undefined, entityPath, sessionId));
}
export { endSpan as endRenewalSpan };

/** Counts one renewal of the session's lock (failed when `error` is given). */
export function countRenewal(entityPath: string, error?: unknown): void {
  if (!metricsEnabled()) return;
  recordRenewal({ [ATTR.destination]: entityPath }, error === undefined ? undefined : error instanceof Error ? error.name : 'Error');
}

/** Counts one lost lock (not a close) with its reason. */
export function countLockLoss(entityPath: string, reason: string): void {
  if (!metricsEnabled()) return;
  recordLockLoss({ [ATTR.destination]: entityPath }, reason);
}

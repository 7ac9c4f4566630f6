import { defer, Observable } from 'rxjs';
import type { Message } from 'rhea-promise';
import { DIAGNOSTIC_ID_PROPERTY, endSpan, SPAN_KIND, startSpan, traceparentOf, tracingEnabled } from '../observability/tracing';
import { tracingOperation } from '../observability/tracingOperation';
import { ATTR, messageIdAttribute, messagingAttributes } from '../observability/tracingAttributes';

/**
 * Cold: `send(messages)` in a `send <entity>` producer span when tracing is enabled (else
 * `send(encoded)` as is). Each message without a `Diagnostic-Id` application property gets one — the
 * span's W3C traceparent, as the official SDKs write it — so the consumer's receive span joins the
 * producer's trace. The span ends when the send completes, fails (recorded) or is unsubscribed.
 */
export function traceSend(entityPath: string, encoded: readonly Message[], send: (messages: readonly Message[]) => Observable<void>): Observable<void> {
  if (!tracingEnabled()) return send(encoded);
  return defer(() => {
    // The session id when every message has the same one.
    const sessionId = encoded[0]?.group_id;
    const oneSession = sessionId !== undefined && encoded.every((m) => m.group_id === sessionId);
    const attributes = messagingAttributes('send', 'send', entityPath, oneSession ? sessionId : undefined);
    if (encoded.length > 1) attributes[ATTR.batchCount] = encoded.length;
    else {
      const id = messageIdAttribute(encoded[0]?.message_id);
      if (id !== undefined) attributes[ATTR.messageId] = id;
    }
    const span = startSpan(`send ${entityPath}`, SPAN_KIND.producer, attributes);
    const traceparent = span === undefined ? undefined : traceparentOf(span);
    const stamped =
      traceparent === undefined
        ? encoded
        : encoded.map((m) =>
            m.application_properties?.[DIAGNOSTIC_ID_PROPERTY] !== undefined ? m : { ...m, application_properties: { ...m.application_properties, [DIAGNOSTIC_ID_PROPERTY]: traceparent } },
          );
    let ended = false;
    const end = (error?: unknown): void => {
      if (ended) return;
      ended = true;
      endSpan(span, error);
    };
    return new Observable<void>((subscriber) => {
      const sub = send(stamped).subscribe({
        next: (v) => subscriber.next(v),
        error: (error: unknown) => {
          end(error);
          subscriber.error(error);
        },
        complete: () => {
          end();
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        end();
      };
    });
  });
}

/** `acceptSession` / `acceptNextSession` in an `accept_session <entity>` client span (session id once known). */
export function traceAccept<T extends { readonly sessionId: string }>(accept$: Observable<T>, entityPath: string, sessionId: string | undefined): Observable<T> {
  if (!tracingEnabled()) return accept$;
  return tracingOperation(accept$, `accept_session ${entityPath}`, SPAN_KIND.client, messagingAttributes('accept_session', undefined, entityPath, sessionId));
}

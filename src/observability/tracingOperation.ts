import { Observable } from 'rxjs';
import type { Attributes, Context, SpanKind } from '@opentelemetry/api';
import { endSpan, startSpan, tracingEnabled } from './tracing';

/**
 * Wraps a cold operation in one span per subscription when tracing is enabled (else returns
 * `source` itself): the span starts on subscribe and ends on completion, on error (recorded on the
 * span) or on unsubscribe. `parent` is an explicit parent context (e.g. a received message's).
 */
export function tracingOperation<T>(
  source: Observable<T>,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent?: () => Context | undefined,
): Observable<T> {
  if (!tracingEnabled()) return source;
  return new Observable<T>((subscriber) => {
    let span = startSpan(name, kind, attributes, parent?.());
    const sub = source.subscribe({
      next: (value) => subscriber.next(value),
      error: (error: unknown) => {
        endSpan(span, error);
        span = undefined;
        subscriber.error(error);
      },
      complete: () => {
        endSpan(span);
        span = undefined;
        subscriber.complete();
      },
    });
    return () => {
      sub.unsubscribe();
      endSpan(span);
      span = undefined;
    };
  });
}

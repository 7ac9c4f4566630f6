import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Context, Span, SpanKind, Tracer, TracerProvider } from '@opentelemetry/api';

/**
 * Lazy, optional access to `@opentelemetry/api` (an optional peer dependency). Nothing is loaded
 * until the first check; when the package is absent, or no tracer provider is registered, every
 * entry point here returns at once (`tracingEnabled()` is false) and callers skip all span work.
 */

/** The application property the official Service Bus SDKs carry a W3C `traceparent` value in. */
export const DIAGNOSTIC_ID_PROPERTY = 'Diagnostic-Id';
/** Instrumentation scope name of this library's tracer and meter. */
export const INSTRUMENTATION_SCOPE = 'servicebus-rx';

/** `undefined`: not tried yet; `null`: not installed. */
let api: typeof OtelApi | null | undefined;
/** The no-op delegate of an empty ProxyTracerProvider: a global provider delegating to it traces nothing. */
let noopDelegate: Tracer | TracerProvider | undefined;
let cachedProvider: TracerProvider | undefined;
let cachedTracer: Tracer | undefined;
let cachedEnabled = false;

/** `@opentelemetry/api`, or null when it is not installed (looked up once). */
export function otelApi(): typeof OtelApi | null {
  if (api === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      api = require('@opentelemetry/api') as typeof OtelApi;
      noopDelegate = new api.ProxyTracerProvider().getDelegate();
    } catch {
      api = null;
    }
  }
  return api;
}

/**
 * True when `@opentelemetry/api` is installed and a tracer provider is registered. Cheap: a global
 * lookup and an identity check per call once the API is loaded.
 */
export function tracingEnabled(): boolean {
  const otel = api === undefined ? otelApi() : api;
  if (otel === null) return false;
  const provider = otel.trace.getTracerProvider();
  if (provider !== cachedProvider) {
    cachedProvider = provider;
    cachedTracer = undefined;
    const delegate = (provider as Partial<OtelApi.ProxyTracerProvider>).getDelegate?.();
    cachedEnabled = delegate === undefined || delegate !== noopDelegate;
  } else if (!cachedEnabled && provider instanceof otel.ProxyTracerProvider) {
    // The same proxy gets its delegate when a provider is registered later.
    cachedEnabled = provider.getDelegate() !== noopDelegate;
  }
  return cachedEnabled;
}

function tracer(otel: typeof OtelApi): Tracer {
  return (cachedTracer ??= otel.trace.getTracer(INSTRUMENTATION_SCOPE));
}

/** The span kinds used here, as the API's numbers (so callers need no runtime import of the API). */
export const SPAN_KIND = { client: 2 as SpanKind, producer: 3 as SpanKind, consumer: 4 as SpanKind };

/**
 * Starts a span (call only when `tracingEnabled()`): `parent` is an explicit parent context (else
 * the active one); `links` are span contexts' carriers (contexts) to link to.
 */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent?: Context, links?: readonly Context[]): Span | undefined {
  const otel = otelApi();
  if (otel === null) return undefined;
  const linked = links?.map((c) => otel.trace.getSpanContext(c)).filter((s) => s !== undefined).map((context) => ({ context }));
  return tracer(otel).startSpan(name, { kind, attributes, ...(linked && linked.length > 0 ? { links: linked } : {}) }, parent ?? otel.context.active());
}

/** The context holding `span` (to parent later spans on), or undefined. */
export function contextWithSpan(span: Span | undefined): Context | undefined {
  const otel = otelApi();
  if (otel === null || span === undefined) return undefined;
  return otel.trace.setSpan(otel.context.active(), span);
}

/** Ends `span`, recording `error` (status ERROR, `error.type`, an exception event) when given. */
export function endSpan(span: Span | undefined, error?: unknown): void {
  if (span === undefined) return;
  if (error !== undefined) {
    const e = error instanceof Error ? error : new Error(String(error));
    span.recordException(e);
    span.setAttribute('error.type', e.name);
    span.setStatus({ code: 2, message: e.message });
  }
  span.end();
}

/** The W3C `traceparent` value of `span` (`00-<trace-id>-<span-id>-<flags>`), or undefined if invalid. */
export function traceparentOf(span: Span): string | undefined {
  const c = span.spanContext();
  const otel = otelApi();
  if (otel === null || !otel.isSpanContextValid(c)) return undefined;
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * The remote parent context carried in a `Diagnostic-Id` (W3C traceparent) value, or undefined
 * when the value is missing or malformed (version ff, all-zero ids) — never throws.
 */
export function contextFromTraceparent(value: unknown): Context | undefined {
  if (typeof value !== 'string') return undefined;
  const m = TRACEPARENT.exec(value.trim());
  if (m === null || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return undefined;
  const otel = otelApi();
  if (otel === null) return undefined;
  const spanContext = { traceId: m[2] as string, spanId: m[3] as string, traceFlags: parseInt(m[4] as string, 16), isRemote: true };
  if (!otel.isSpanContextValid(spanContext)) return undefined;
  return otel.trace.setSpanContext(otel.ROOT_CONTEXT, spanContext);
}

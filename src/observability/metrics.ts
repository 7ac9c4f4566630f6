import type * as OtelApi from '@opentelemetry/api';
import type { Attributes, Counter, Histogram, MeterProvider } from '@opentelemetry/api';
import { INSTRUMENTATION_SCOPE, otelApi } from './tracing';

/**
 * This library's metrics through the OpenTelemetry metrics API (a no-op when `@opentelemetry/api`
 * is absent or no meter provider is registered). Instruments are created per registered provider.
 */
interface Instruments {
  readonly renewals: Counter;
  readonly lockLosses: Counter;
  readonly settlementDuration: Histogram;
}

/** Counter: session lock renewals (manual and automatic), with `error.type` when one failed. */
export const METRIC_LOCK_RENEWALS = 'servicebus_rx.session.lock.renewals';
/** Counter: session locks lost (not closed), with `servicebus_rx.lock.lost_reason`. */
export const METRIC_LOCK_LOSSES = 'servicebus_rx.session.lock.losses';
/** Histogram (seconds): settlement duration, the conventions' client operation duration. */
export const METRIC_OPERATION_DURATION = 'messaging.client.operation.duration';

let provider: MeterProvider | undefined;
let instruments: Instruments | undefined;
let enabled = false;

/**
 * True when `@opentelemetry/api` is installed and a meter provider is registered (its meter is not
 * the API's no-op one). Cheap: a global lookup and an identity check per call.
 */
export function metricsEnabled(): boolean {
  const otel = otelApi();
  if (otel === null) return false;
  const p = otel.metrics.getMeterProvider();
  if (p !== provider) {
    provider = p;
    instruments = undefined;
    enabled = p.getMeter(INSTRUMENTATION_SCOPE) !== otel.createNoopMeter();
  }
  return enabled;
}

function current(otel: typeof OtelApi): Instruments {
  const p = otel.metrics.getMeterProvider();
  if (p !== provider || instruments === undefined) {
    provider = p;
    const meter = p.getMeter(INSTRUMENTATION_SCOPE);
    enabled = meter !== otel.createNoopMeter();
    instruments = {
      renewals: meter.createCounter(METRIC_LOCK_RENEWALS, { description: 'Session lock renewals (manual and automatic).', unit: '{renewal}' }),
      lockLosses: meter.createCounter(METRIC_LOCK_LOSSES, { description: 'Session locks lost (expired, detached or failed to renew).', unit: '{lock}' }),
      settlementDuration: meter.createHistogram(METRIC_OPERATION_DURATION, {
        description: 'Duration of messaging operations (settlements: complete, abandon, defer, dead-letter).',
        unit: 's',
      }),
    };
  }
  return instruments;
}

/** Records one renewal (failed when `errorType` is given). */
export function recordRenewal(attributes: Attributes, errorType?: string): void {
  const otel = otelApi();
  if (otel === null) return;
  current(otel).renewals.add(1, errorType === undefined ? attributes : { ...attributes, 'error.type': errorType });
}

/** Records one lost lock with its reason. */
export function recordLockLoss(attributes: Attributes, reason: string): void {
  const otel = otelApi();
  if (otel === null) return;
  current(otel).lockLosses.add(1, { ...attributes, 'servicebus_rx.lock.lost_reason': reason });
}

/** Records one settlement's duration in milliseconds (recorded in seconds). */
export function recordSettlement(ms: number, attributes: Attributes): void {
  const otel = otelApi();
  if (otel === null) return;
  current(otel).settlementDuration.record(ms / 1000, attributes);
}

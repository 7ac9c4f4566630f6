import { trace } from '@opentelemetry/api';
import { contextFromTraceparent, tracingEnabled } from '../../src/observability/tracing';
import { metricsEnabled } from '../../src/observability/metrics';

describe('contextFromTraceparent (Diagnostic-Id values)', () => {
  it('reads a W3C traceparent as a remote parent', () => {
    const c = contextFromTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(c && trace.getSpanContext(c)).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
  });

  it('accepts a future version with extra fields, and surrounding whitespace', () => {
    const c = contextFromTraceparent(' 01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-extra ');
    expect(c && trace.getSpanContext(c)?.traceFlags).toBe(0);
  });

  it.each([
    ['not a string', 42],
    ['missing', undefined],
    ['a legacy Request-Id', '|0af7651916cd43dd8448eb211c80319c.b7ad6b7169203331.'],
    ['version ff', 'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
    ['version 00 with extra fields', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-x'],
    ['an all-zero trace id', '00-00000000000000000000000000000000-b7ad6b7169203331-01'],
    ['an all-zero span id', '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01'],
    ['upper-case hex', '00-0AF7651916CD43DD8448EB211C80319C-B7AD6B7169203331-01'],
  ])('ignores %s', (_what, value) => {
    expect(contextFromTraceparent(value)).toBeUndefined();
  });
});

describe('without @opentelemetry/api installed', () => {
  it('tracing is off and nothing throws', () => {
    jest.isolateModules(() => {
      // The optional peer is absent: require() fails as Node's would.
      jest.doMock('@opentelemetry/api', () => {
        throw Object.assign(new Error("Cannot find module '@opentelemetry/api'"), { code: 'MODULE_NOT_FOUND' });
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../src/observability/tracing') as typeof import('../../src/observability/tracing');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const metrics = require('../../src/observability/metrics') as typeof import('../../src/observability/metrics');
      expect(isolated.otelApi()).toBeNull();
      expect(isolated.tracingEnabled()).toBe(false);
      expect(isolated.contextFromTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeUndefined();
      expect(metrics.metricsEnabled()).toBe(false);
      expect(() => metrics.recordSettlement(5, {})).not.toThrow();
    });
    jest.dontMock('@opentelemetry/api');
  });

  it('with the API but no provider registered, tracing is off', () => {
    expect(tracingEnabled()).toBe(false);
  });
});

describe('metricsEnabled', () => {
  it('is false with the API but no meter provider, true once one is registered', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { metrics } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MeterProvider } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
    expect(metricsEnabled()).toBe(false);
    metrics.setGlobalMeterProvider(new MeterProvider());
    try {
      expect(metricsEnabled()).toBe(true);
    } finally {
      metrics.disable();
    }
    expect(metricsEnabled()).toBe(false);
  });
});

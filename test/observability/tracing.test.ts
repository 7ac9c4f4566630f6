import { context, metrics, propagation, SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { AzureSdkInstrumentation } from '@azure/opentelemetry-instrumentation-azure-sdk';
import * as coreTracing from '@azure/core-tracing';
import { ServiceBusClient as SdkClient } from '@azure/service-bus';
import { concatMap, filter, firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import { startEmulator, type EmulatorHandle } from '../../src/emulator';
import { ServiceBusClient, type ReceivedMessage, type Session } from '../../src';

let broker: EmulatorHandle;
let ours: ServiceBusClient;
const sessions: Session[] = [];
// Fresh exporters per test: shutting a provider down stops its exporter.
let spans = new InMemorySpanExporter();
let metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
let tracerProvider: BasicTracerProvider;
let meterProvider: MeterProvider;
let reader: PeriodicExportingMetricReader;

function enableTelemetry(): void {
  spans = new InMemorySpanExporter();
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  trace.setGlobalTracerProvider(tracerProvider);
  // A long interval: the test collects with forceFlush().
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(meterProvider);
}

async function disableTelemetry(): Promise<void> {
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
  await Promise.all([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
  spans = new InMemorySpanExporter();
}

beforeAll(async () => {
  broker = await startEmulator({ port: 0, queues: [{ name: 'sq', requiresSession: true, lockDurationMs: 10_000 }, { name: 'short', requiresSession: true, lockDurationMs: 300 }], topics: [{ name: 'tp', subscriptions: [{ name: 'sub', requiresSession: true, lockDurationMs: 10_000 }] }] });
  // The official SDK traces through @azure/core-tracing's instrumenter: the Azure SDK instrumentation
  // installs the OpenTelemetry one (its require hook does not run under jest, so patch the module directly).
  const definitions = new AzureSdkInstrumentation({ enabled: false }).getModuleDefinitions();
  for (const d of definitions) d.patch?.(coreTracing as never);
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  ours = new ServiceBusClient(broker.connectionString);
});
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await ours.close();
  await disableTelemetry();
});

async function accept(sessionId: string): Promise<Session> {
  const s = await firstValueFrom(ours.acceptSession('sq', sessionId));
  sessions.push(s);
  return s;
}
const takeAndComplete = (s: Session, n: number): Promise<ReceivedMessage[]> =>
  lastValueFrom(s.messages$.pipe(take(n), concatMap((m) => m.complete().pipe(map(() => m))), toArray()));

const finished = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((s) => s.name === name);
function only(name: string): ReadableSpan {
  const found = finished(name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0] as ReadableSpan;
}

async function settlementHistogram(): Promise<HistogramMetricData | undefined> {
  await reader.forceFlush();
  const all = metricExporter.getMetrics().flatMap((r) => r.scopeMetrics.filter((s) => s.scope.name === 'servicebus-rx').flatMap((s) => s.metrics));
  const h = all.filter((m) => m.descriptor.name === 'messaging.client.operation.duration').at(-1);
  return h?.dataPointType === DataPointType.HISTOGRAM ? h : undefined;
}

describe('tracing: producer and consumer spans of one message in one trace', () => {
  it('servicebus-rx → servicebus-rx: send (producer), receive (consumer, child of the producer), complete (child of receive)', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('sq', { body: 'traced', sessionId: 'rx-rx', messageId: 'm-1' }));
    const s = await accept('rx-rx');
    const [m] = await takeAndComplete(s, 1);

    const send = only('send sq');
    const receive = only('receive sq');
    const complete = only('complete sq');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(receive.kind).toBe(SpanKind.CONSUMER);
    expect(complete.kind).toBe(SpanKind.CLIENT);
    const traceId = send.spanContext().traceId;
    expect(receive.spanContext().traceId).toBe(traceId);
    expect(complete.spanContext().traceId).toBe(traceId);
    expect(receive.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(receive.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
    expect(complete.parentSpanContext?.spanId).toBe(receive.spanContext().spanId);
    // Carried the official SDKs' way: a W3C traceparent in the Diagnostic-Id application property.
    expect(m?.applicationProperties['Diagnostic-Id']).toBe(`00-${traceId}-${send.spanContext().spanId}-01`);

    expect(send.attributes).toMatchObject({
      'messaging.system': 'servicebus',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'sq',
      'messaging.message.id': 'm-1',
      'messaging.servicebus.session.id': 'rx-rx',
    });
    expect(receive.attributes).toMatchObject({
      'messaging.system': 'servicebus',
      'messaging.operation.name': 'receive',
      'messaging.operation.type': 'receive',
      'messaging.destination.name': 'sq',
      'messaging.message.id': 'm-1',
      'messaging.servicebus.session.id': 'rx-rx',
      'messaging.servicebus.message.delivery_count': 0,
    });
    expect(complete.attributes).toMatchObject({ 'messaging.operation.name': 'complete', 'messaging.operation.type': 'settle', 'messaging.message.id': 'm-1' });
    expect(only('accept_session sq').attributes).toMatchObject({ 'messaging.operation.name': 'accept_session', 'messaging.servicebus.session.id': 'rx-rx' });

    const histogram = await settlementHistogram();
    const point = histogram?.dataPoints.find((p) => p.attributes['messaging.operation.name'] === 'complete');
    expect(point?.value.count).toBe(1);
    expect(histogram?.descriptor.unit).toBe('s');
  });

  it('official SDK → servicebus-rx: the consumer span is a child of the SDK’s message span', async () => {
    enableTelemetry();
    const sdk = new SdkClient(broker.connectionString);
    try {
      const sender = sdk.createSender('sq');
      await sender.sendMessages({ body: 'from-sdk', sessionId: 'sdk-rx', messageId: 'sdk-1' });
      await sender.close();
    } finally {
      await sdk.close();
    }
    const s = await accept('sdk-rx');
    const [m] = await takeAndComplete(s, 1);

    // The SDK's per-message producer span ("message"), whose traceparent it wrote to Diagnostic-Id.
    const produced = finished('message').filter((x) => x.kind === SpanKind.PRODUCER);
    expect(produced).toHaveLength(1);
    const producer = produced[0] as ReadableSpan;
    const receive = only('receive sq');
    expect(m?.applicationProperties['Diagnostic-Id']).toBe(`00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01`);
    expect(receive.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(receive.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(only('complete sq').spanContext().traceId).toBe(producer.spanContext().traceId);
  });

  it('servicebus-rx → official SDK: the SDK’s process span links to our send span (it reads our Diagnostic-Id)', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('sq', { body: 'to-sdk', sessionId: 'rx-sdk' }));
    const send = only('send sq');
    const sdk = new SdkClient(broker.connectionString);
    try {
      const receiver = await sdk.acceptSession('sq', 'rx-sdk');
      const [m] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      await receiver.completeMessage(m as never);
      await receiver.close();
    } finally {
      await sdk.close();
    }
    const processed = finished('BatchingReceiverLite.process');
    expect(processed).toHaveLength(1);
    expect(processed[0]?.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([[send.spanContext().traceId, send.spanContext().spanId]]);
  });

  it('topic → session-enabled subscription: send to the topic and receive from the subscription in one trace', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('tp', { body: 'fan', sessionId: 'topic-s' }));
    const s = await firstValueFrom(ours.acceptSession({ topic: 'tp', subscription: 'sub' }, 'topic-s'));
    sessions.push(s);
    await takeAndComplete(s, 1);
    const send = only('send tp');
    const receive = only('receive tp/Subscriptions/sub');
    expect(receive.parentSpanContext?.spanId).toBe(send.spanContext().spanId);
    expect(receive.spanContext().traceId).toBe(send.spanContext().traceId);
    expect(receive.attributes['messaging.destination.name']).toBe('tp/Subscriptions/sub');
  });

  it('a batch send: one producer span, every message stamped with it, no session id when the batch spans sessions', async () => {
    enableTelemetry();
    await lastValueFrom(
      ours.send('sq', [
        { body: 1, sessionId: 'batch-a' },
        { body: 2, sessionId: 'batch-b' },
        { body: 3, sessionId: 'batch-a', applicationProperties: { 'Diagnostic-Id': '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
      ]),
    );
    const send = only('send sq');
    expect(send.attributes['messaging.batch.message_count']).toBe(3);
    expect(send.attributes['messaging.servicebus.session.id']).toBeUndefined();
    const a = await takeAndComplete(await accept('batch-a'), 2);
    const b = await takeAndComplete(await accept('batch-b'), 1);
    const own = `00-${send.spanContext().traceId}-${send.spanContext().spanId}-01`;
    // A Diagnostic-Id set by the application is kept, and its receive span joins that trace.
    expect([...a, ...b].map((m) => m.applicationProperties['Diagnostic-Id'])).toEqual([own, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', own]);
    expect(finished('receive sq').map((r) => r.spanContext().traceId).sort()).toEqual(['0af7651916cd43dd8448eb211c80319c', send.spanContext().traceId, send.spanContext().traceId].sort());
  });

  it('traces renewals and state operations, and counts renewals', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('sq', { body: 'x', sessionId: 'ops' }));
    const s = await accept('ops');
    await firstValueFrom(s.renewLock());
    await lastValueFrom(s.setState('step-1'));
    expect(await firstValueFrom(s.getState())).toEqual('step-1');
    await takeAndComplete(s, 1);

    for (const name of ['renew_session_lock', 'set_session_state', 'get_session_state']) {
      expect(only(`${name} sq`).attributes).toMatchObject({ 'messaging.system': 'servicebus', 'messaging.operation.name': name, 'messaging.servicebus.session.id': 'ops' });
    }
    await reader.forceFlush();
    const renewals = metricExporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics.flatMap((x) => x.metrics))
      .filter((x) => x.descriptor.name === 'servicebus_rx.session.lock.renewals')
      .at(-1);
    expect(renewals?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([[{ 'messaging.destination.name': 'sq' }, 1]]);
  });

  it('counts a lost lock with its reason', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('short', { body: 'x', sessionId: 'expiring' }));
    const s = await firstValueFrom(ours.acceptSession('short', 'expiring'));
    sessions.push(s);
    const lost = await firstValueFrom(s.lock$.pipe(filter((state) => state.kind === 'lost')));
    expect(lost.kind === 'lost' && lost.error.reason).toBe('expired');
    await reader.forceFlush();
    const losses = metricExporter
      .getMetrics()
      .flatMap((r) => r.scopeMetrics.flatMap((x) => x.metrics))
      .filter((x) => x.descriptor.name === 'servicebus_rx.session.lock.losses')
      .at(-1);
    expect(losses?.dataPoints.map((p) => [p.attributes, p.value])).toEqual([[{ 'messaging.destination.name': 'short', 'servicebus_rx.lock.lost_reason': 'expired' }, 1]]);
  });

  it('records a failed settlement on its span', async () => {
    enableTelemetry();
    await lastValueFrom(ours.send('sq', { body: 'x', sessionId: 'twice' }));
    const s = await accept('twice');
    const [m] = await takeAndComplete(s, 1);
    await expect(firstValueFrom((m as ReceivedMessage).complete())).rejects.toThrow('already been settled');
    const failed = finished('complete sq').filter((x) => x.status.code === 2);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.attributes['error.type']).toBe('InvalidArgumentError');
  });

  it('with no tracer provider registered: no spans and no Diagnostic-Id on sent messages', async () => {
    await lastValueFrom(ours.send('sq', { body: 'plain', sessionId: 'off' }));
    const s = await accept('off');
    const [m] = await takeAndComplete(s, 1);
    expect(m?.applicationProperties).toEqual({});
    expect(spans.getFinishedSpans()).toEqual([]);
  });
});

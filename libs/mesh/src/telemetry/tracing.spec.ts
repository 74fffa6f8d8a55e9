import { propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { injectKafkaHeaders, withKafkaConsumerSpan, withKafkaProducerSpan } from './kafka-spans';
import { setTelemetryFailureHandler, type TelemetryFailure, type TelemetryFailureHandler } from './telemetry-failure';
import { type RunningTracing, startTracing, withClientSpan, withServerSpan } from './tracing';

const exporter = new InMemorySpanExporter();
let tracing: RunningTracing;

async function finishedSpans(): Promise<ReadableSpan[]> {
  await tracing.forceFlush();
  return exporter.getFinishedSpans();
}

function spanNamed(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const span = spans.find((each) => each.name === name);
  if (!span) throw new Error(`no span "${name}" among ${spans.map((each) => each.name).join(', ')}`);
  return span;
}

describe('tracing in one process', () => {
  let failures: TelemetryFailure[];
  let previousHandler: TelemetryFailureHandler;

  beforeAll(() => {
    tracing = startTracing({ serviceName: 'tracing-spec', serviceInstanceId: 'tracing-spec-1', serviceVersion: '0.1.0', exporters: [exporter] });
  });
  afterAll(() => tracing.shutdown());
  beforeEach(() => {
    exporter.reset();
    failures = [];
    previousHandler = setTelemetryFailureHandler((failure) => failures.push(failure));
  });
  afterEach(() => setTelemetryFailureHandler(previousHandler));

  it('sends the client span as traceparent and makes the server span its child', async () => {
    const attributes = { 'http.request.method': 'GET', 'url.path': '/products/42', 'server.address': '127.0.0.1', 'server.port': 7001 };
    const sent = await withClientSpan('GET inventory-service', attributes, async (headers, http) => {
      const served = await withServerSpan('GET /products/:id', headers, { 'http.request.method': 'GET', 'url.path': '/products/42' }, async (server) => {
        server.setResponseStatus(200);
        return trace.getActiveSpan()?.spanContext();
      });
      http.setResponseStatus(200);
      return { headers, served };
    });

    const spans = await finishedSpans();
    const client = spanNamed(spans, 'GET inventory-service');
    const server = spanNamed(spans, 'GET /products/:id');
    expect(sent.headers).toEqual({ traceparent: `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01` });
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(server.spanContext().traceId).toBe(client.spanContext().traceId);
    expect(server.parentSpanContext?.spanId).toBe(client.spanContext().spanId);
    expect(server.parentSpanContext?.isRemote).toBe(true);
    expect(sent.served?.spanId).toBe(server.spanContext().spanId);
    expect(client.attributes).toEqual({ ...attributes, 'http.response.status_code': 200 });
    expect(client.status.code).toBe(SpanStatusCode.UNSET);
    expect(client.resource.attributes).toMatchObject({
      'service.name': 'tracing-spec',
      'service.namespace': 'meshmart',
      'service.instance.id': 'tracing-spec-1',
      'service.version': '0.1.0',
    });
  });

  it('starts a new trace for a request without traceparent, and fails spans as HTTP semantics say', async () => {
    await withServerSpan('GET /missing', {}, { 'http.request.method': 'GET' }, async (http) => http.setResponseStatus(404));
    await withServerSpan('GET /broken', {}, { 'http.request.method': 'GET' }, async (http) => http.setResponseStatus(503));
    await withClientSpan('GET missing', {}, async (_headers, http) => http.setResponseStatus(404));

    const spans = await finishedSpans();
    expect(spanNamed(spans, 'GET /missing').parentSpanContext).toBeUndefined();
    expect(spanNamed(spans, 'GET /missing').status.code).toBe(SpanStatusCode.UNSET);
    expect(spanNamed(spans, 'GET /broken').status.code).toBe(SpanStatusCode.ERROR);
    expect(spanNamed(spans, 'GET /broken').attributes['error.type']).toBe('503');
    expect(spanNamed(spans, 'GET missing').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records a thrown error on the span and rethrows that very error', async () => {
    const failure = new RangeError('out of stock');
    await expect(withServerSpan('POST /reservations', {}, {}, () => Promise.reject(failure))).rejects.toBe(failure);

    const span = spanNamed(await finishedSpans(), 'POST /reservations');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of stock' });
    expect(span.attributes['error.type']).toBe('RangeError');
    expect(span.events.map((event) => [event.name, event.attributes?.['exception.message']])).toEqual([['exception', 'out of stock']]);
    expect(span.ended).toBe(true);
  });

  it('carries the producer span to the consumer through Kafka headers that arrive as Buffers', async () => {
    const sentHeaders = await withKafkaProducerSpan('orders.v1', async () => injectKafkaHeaders({ 'event-type': 'OrderPlaced' }));
    const received = Object.fromEntries(Object.entries(sentHeaders).map(([key, value]) => [key, Buffer.from(String(value))]));
    await withKafkaConsumerSpan('orders.v1', received, async () => undefined);

    const spans = await finishedSpans();
    const producer = spanNamed(spans, 'send orders.v1');
    const consumer = spanNamed(spans, 'process orders.v1');
    expect(sentHeaders).toEqual({ 'event-type': 'OrderPlaced', traceparent: `00-${producer.spanContext().traceId}-${producer.spanContext().spanId}-01` });
    expect([producer.kind, consumer.kind]).toEqual([SpanKind.PRODUCER, SpanKind.CONSUMER]);
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.attributes).toEqual({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'orders.v1',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
    });
    expect(producer.attributes['messaging.operation.type']).toBe('send');
  });

  it('consumes a message without trace headers in a trace of its own', async () => {
    await withKafkaConsumerSpan('orders.v1', undefined, async () => undefined);
    await withKafkaConsumerSpan('orders.v1', { traceparent: [Buffer.from('not a traceparent')] }, async () => undefined);
    const consumers = (await finishedSpans()).filter((span) => span.kind === SpanKind.CONSUMER);
    expect(consumers.map((span) => span.parentSpanContext)).toEqual([undefined, undefined]);
    expect(failures).toEqual([]);
  });

  it('shares the running tracing with a second start: exporters it names are reported, its shutdown stops nothing', async () => {
    const quiet = startTracing({ serviceName: 'other', serviceInstanceId: 'other-1' });
    expect(failures).toEqual([]);
    const loud = startTracing({ serviceName: 'other', serviceInstanceId: 'other-2', exporters: [new InMemorySpanExporter()] });
    expect(failures.map((failure) => failure.operation)).toEqual(['start tracing']);

    await quiet.shutdown();
    await loud.shutdown();
    await quiet.shutdown(); // a second shutdown of one share releases nothing more
    await withClientSpan('GET after the shares', {}, async () => undefined);
    expect((await finishedSpans()).map((span) => span.name)).toContain('GET after the shares');
  });
});

describe('a start while the last shutdown still flushes', () => {
  it('makes a tracing of its own, which the finishing shutdown leaves registered', async () => {
    const first = startTracing({ serviceName: 'first', serviceInstanceId: 'first-1', exporters: [new InMemorySpanExporter()] });
    const stopping = first.shutdown();
    const exporter = new InMemorySpanExporter();
    const second = startTracing({ serviceName: 'second', serviceInstanceId: 'second-1', exporters: [exporter] });
    await stopping;
    try {
      await withClientSpan('GET after the first stopped', {}, async () => undefined);
      await second.forceFlush();
      expect(exporter.getFinishedSpans().map((span) => [span.name, span.resource.attributes['service.name']])).toEqual([
        ['GET after the first stopped', 'second'],
      ]);
    } finally {
      await second.shutdown();
    }
  });
});

describe('tracing without an exporter', () => {
  it('still gives spans real ids and propagates them, and can start again after a shutdown', async () => {
    const quiet = startTracing({ serviceName: 'quiet', serviceInstanceId: 'quiet-1' });
    try {
      const headers = await withClientSpan('GET quiet', {}, async (outgoing) => outgoing);
      const parent = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, headers));
      expect(parent && trace.isSpanContextValid(parent)).toBe(true);
    } finally {
      await quiet.shutdown();
    }
    // Shut down, nothing is registered: no context travels any more.
    expect(await withClientSpan('GET stopped', {}, async (outgoing) => outgoing)).toEqual({});
  });
});

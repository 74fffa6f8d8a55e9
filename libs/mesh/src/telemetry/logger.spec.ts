import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeshLogger } from './logger';
import { type RunningTracing, startTracing, withServerSpan } from './tracing';

/** A pino destination that keeps each line, parsed, in memory. */
function memoryDestination() {
  const lines: Record<string, unknown>[] = [];
  return { lines, write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) };
}

describe('createMeshLogger', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: RunningTracing;
  beforeAll(() => {
    tracing = startTracing({ serviceName: 'logger-spec', serviceInstanceId: 'logger-spec-1', exporters: [exporter] });
  });
  afterAll(() => tracing.shutdown());

  it('writes service and instance on every line, and the active span’s ids only inside a span', async () => {
    const destination = memoryDestination();
    const logger = createMeshLogger({ service: 'inventory-service', instance: 'inventory-service-7f3a', destination });

    logger.info('before');
    await withServerSpan('GET /products/:id', {}, {}, async () => {
      logger.info({ productId: 42 }, 'inside');
      await Promise.resolve();
      logger.warn('inside, after an await');
    });
    logger.info('after');

    await tracing.forceFlush();
    const [span] = exporter.getFinishedSpans();
    const ids = { trace_id: span?.spanContext().traceId, span_id: span?.spanContext().spanId };
    expect(ids.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(destination.lines.map((line) => line.msg)).toEqual(['before', 'inside', 'inside, after an await', 'after']);
    for (const line of destination.lines) {
      expect(line).toMatchObject({ service: 'inventory-service', instance: 'inventory-service-7f3a' });
    }
    expect(destination.lines[1]).toMatchObject({ ...ids, level: 'info', productId: 42 });
    expect(destination.lines[2]).toMatchObject({ ...ids, level: 'warn' });
    for (const outside of [destination.lines[0], destination.lines[3]]) {
      expect(outside).not.toHaveProperty('trace_id');
      expect(outside).not.toHaveProperty('span_id');
    }
  });

  it('redacts secrets wherever they sit, and nothing else', () => {
    const destination = memoryDestination();
    const logger = createMeshLogger({ service: 'gateway', instance: 'gateway-1', destination });

    logger.info(
      {
        headers: { authorization: 'Bearer x', 'set-cookie': ['session=abc'], accept: 'application/json' },
        password: 'p',
        req: { headers: { cookie: 'session=abc', 'x-api-key': 'k' } },
        err: { config: { headers: { authorization: 'Basic y' } } },
        payment: { card: { token: 'tok_visa', apiKey: 'sk_live' }, amount: 1250 },
        certificate: { privateKey: '-----BEGIN PRIVATE KEY-----' },
      },
      'request',
    );

    const [line] = destination.lines;
    expect(line).toMatchObject({
      headers: { authorization: '[Redacted]', 'set-cookie': '[Redacted]', accept: 'application/json' },
      password: '[Redacted]',
      req: { headers: { cookie: '[Redacted]', 'x-api-key': '[Redacted]' } },
      err: { config: { headers: { authorization: '[Redacted]' } } },
      payment: { card: { token: '[Redacted]', apiKey: '[Redacted]' }, amount: 1250 },
      certificate: { privateKey: '[Redacted]' },
    });
    expect(JSON.stringify(line)).not.toMatch(/Bearer|Basic|session=|sk_live|tok_visa|BEGIN PRIVATE KEY/);
  });

  it('writes nothing below its level', () => {
    const destination = memoryDestination();
    const logger = createMeshLogger({ service: 'gateway', instance: 'gateway-1', level: 'warn', destination });
    logger.info('dropped');
    logger.error('kept');
    expect(destination.lines.map((line) => [line.level, line.msg])).toEqual([['error', 'kept']]);
  });
});

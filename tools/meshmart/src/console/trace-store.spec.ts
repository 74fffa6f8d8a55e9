import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OtlpSpan } from '@meshmart/mesh/tools';
import { TraceStore } from './trace-store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'trace-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const traceId = (n: number) => n.toString(16).padStart(32, '0');
function span(trace: number, id: string, overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    service: 'gateway',
    instance: undefined,
    traceId: traceId(trace),
    spanId: id,
    parentSpanId: undefined,
    name: 'POST gateway',
    kind: 2,
    startMs: 1_000 * trace,
    endMs: 1_000 * trace + 50,
    status: 0,
    statusMessage: undefined,
    attributes: {},
    links: [],
    ...overrides,
  };
}

describe('TraceStore', () => {
  it('puts a trace together from spans that arrive in separate exports, and summarizes it', () => {
    const store = TraceStore.open({ dir });
    store.add([span(1, 'a1', { service: 'order-service', parentSpanId: 'a0', kind: 4, name: 'send orders.v1', startMs: 1_010, endMs: 1_020 })]);
    store.add([
      span(1, 'a0', { attributes: { 'url.path': '/cart/checkout' } }),
      span(1, 'a2', { service: 'order-service', parentSpanId: 'a1', kind: 5, startMs: 1_030, endMs: 1_090, status: 2 }),
    ]);
    const trace = store.get(traceId(1));
    expect(trace?.spans.map((s) => s.spanId)).toEqual(['a0', 'a1', 'a2']);
    expect(trace?.summary).toMatchObject({
      rootService: 'gateway',
      rootName: 'POST gateway /cart/checkout',
      spanCount: 3,
      durationMs: 90,
      services: ['gateway', 'order-service'],
      status: 'error',
      errorCount: 1,
      kafka: true,
    });
  });

  it('keeps the newest traces within the count and the byte caps', () => {
    const store = TraceStore.open({ dir, maxTraces: 3 });
    for (let n = 1; n <= 5; n++) store.add([span(n, 'aa')]);
    expect(store.list().map((t) => t.traceId)).toEqual([traceId(5), traceId(4), traceId(3)]);
    const small = TraceStore.open({ dir: join(dir, 'small'), maxBytes: 1_000 });
    for (let n = 1; n <= 20; n++) small.add([span(n, 'aa', { attributes: { pad: 'x'.repeat(200) } })]);
    expect(small.size).toBeLessThan(5);
    expect(small.get(traceId(20))).toBeDefined();
    // Evicted spans leave the file once it reaches twice the cap.
    expect(statSync(join(dir, 'small', 'spans.ndjson')).size).toBeLessThanOrEqual(2_000);
  });

  it('keeps its traces across a restart, and skips a line torn by a crash', () => {
    const store = TraceStore.open({ dir });
    store.add([span(1, 'aa'), span(2, 'bb')]);
    appendFileSync(join(dir, 'spans.ndjson'), '{"traceId":"tor');
    const reopened = TraceStore.open({ dir });
    expect(reopened.list().map((t) => t.traceId)).toEqual([traceId(2), traceId(1)]);
    expect(readFileSync(join(dir, 'spans.ndjson'), 'utf8')).toContain('"tor');
  });

  it('filters by service, status, duration and text found in an attribute (an order id)', () => {
    const store = TraceStore.open({ dir });
    store.add([
      span(1, 'aa', { attributes: { 'url.path': '/reservations/order-42/commit' } }),
      span(1, 'ab', { service: 'inventory-service', parentSpanId: 'aa' }),
    ]);
    store.add([span(2, 'bb', { status: 2, endMs: 2_900 })]);
    const ids = (filter: Parameters<TraceStore['list']>[0]) => store.list(filter).map((t) => t.traceId);
    expect(ids({ service: 'inventory-service' })).toEqual([traceId(1)]);
    expect(ids({ status: 'error' })).toEqual([traceId(2)]);
    expect(ids({ minDurationMs: 100 })).toEqual([traceId(2)]);
    expect(ids({ maxDurationMs: 100 })).toEqual([traceId(1)]);
    expect(ids({ text: 'ORDER-42' })).toEqual([traceId(1)]);
    expect(ids({ text: traceId(2) })).toEqual([traceId(2)]);
    expect(ids({ limit: 1 })).toEqual([traceId(2)]);
  });
});

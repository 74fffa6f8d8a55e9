import { describe, expect, it } from 'vitest';
import { InvalidOtlpExport, spansOfOtlpJson } from './otlp-json';

const exported = {
  resourceSpans: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'order-service' } },
          { key: 'service.instance.id', value: { stringValue: 'order-service-1-ab12' } },
        ],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: '5B8EFFF798038103D269B633813FC60C',
              spanId: 'EEE19B7EC3C1B174',
              parentSpanId: 'EEE19B7EC3C1B173',
              name: 'process orders.v1',
              kind: 5,
              startTimeUnixNano: '1764460000123456789',
              endTimeUnixNano: '1764460000125456789',
              status: { code: 2, message: 'declined' },
              attributes: [
                { key: 'messaging.destination.name', value: { stringValue: 'orders.v1' } },
                { key: 'messaging.batch.message_count', value: { intValue: '3' } },
                { key: 'retry', value: { boolValue: false } },
                { key: 'ratio', value: { doubleValue: 0.5 } },
                { key: 'tags', value: { arrayValue: { values: [{ stringValue: 'a' }] } } },
              ],
              links: [{ traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8) }],
            },
          ],
        },
      ],
    },
  ],
};

describe('spansOfOtlpJson', () => {
  it('flattens an export: the resource’s service, lower-case ids, times in ms, status, typed attributes and links', () => {
    const [span] = spansOfOtlpJson(exported);
    expect(span).toEqual({
      service: 'order-service',
      instance: 'order-service-1-ab12',
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: 'process orders.v1',
      kind: 5,
      startMs: 1764460000123.456,
      endMs: 1764460000125.456,
      status: 2,
      statusMessage: 'declined',
      attributes: {
        'messaging.destination.name': 'orders.v1',
        'messaging.batch.message_count': 3,
        retry: false,
        ratio: 0.5,
        tags: '{"values":[{"stringValue":"a"}]}',
      },
      links: [{ traceId: 'aa'.repeat(16), spanId: 'bb'.repeat(8) }],
    });
  });

  it('names a span without a service `unknown`, and reads a root span (no parent) as such', () => {
    const [span] = spansOfOtlpJson({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'ab', spanId: 'cd', parentSpanId: '', name: 'x', kind: 2 }] }] }] });
    expect(span).toMatchObject({ service: 'unknown', parentSpanId: undefined, instance: undefined, status: 0, startMs: 0 });
  });

  it('takes an empty export, and refuses what is not one, whole', () => {
    expect(spansOfOtlpJson({})).toEqual([]);
    for (const body of [null, [], 'text', { resourceSpans: {} }]) expect(() => spansOfOtlpJson(body)).toThrow(InvalidOtlpExport);
    const oneBadSpan = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                { traceId: 'ab', spanId: 'cd', name: 'ok' },
                { traceId: 'not hex', spanId: 'cd', name: 'bad' },
              ],
            },
          ],
        },
      ],
    };
    expect(() => spansOfOtlpJson(oneBadSpan)).toThrow(/hex traceId/);
  });
});

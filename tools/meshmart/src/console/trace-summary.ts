import type { OtlpSpan } from '@meshmart/mesh/tools';

/** OTLP span kinds, as the waterfall and the filters name them. */
export const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const OTLP_STATUS_ERROR = 2;

/** One trace in the list: what a reader scans for before opening it. */
export interface TraceSummary {
  traceId: string;
  /** The root span's service, and its name with its `url.path` when it has one (the root is the earliest span whose parent is not in the trace). */
  rootService: string;
  rootName: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  services: string[];
  /** Spans whose status is ERROR. */
  errorCount: number;
  status: 'ok' | 'error';
  /** It crossed Kafka: a producer span and a consumer span. */
  kafka: boolean;
}

export interface TraceFilter {
  service?: string;
  status?: 'ok' | 'error';
  minDurationMs?: number;
  maxDurationMs?: number;
  /** Text found in a span's name or any attribute value, e.g. an order id. */
  text?: string;
  limit?: number;
}

export function summarizeTrace(traceId: string, spans: readonly OtlpSpan[]): TraceSummary {
  const root = rootOf(spans);
  const startMs = Math.min(...spans.map((span) => span.startMs));
  const endMs = Math.max(...spans.map((span) => span.endMs));
  const errorCount = spans.filter((span) => span.status === OTLP_STATUS_ERROR).length;
  return {
    traceId,
    rootService: root?.service ?? 'unknown',
    rootName: root ? `${root.name}${root.attributes['url.path'] ? ` ${String(root.attributes['url.path'])}` : ''}` : '',
    startMs,
    durationMs: Math.max(0, endMs - startMs),
    spanCount: spans.length,
    services: [...new Set(spans.map((span) => span.service))].sort(),
    errorCount,
    status: errorCount > 0 ? 'error' : 'ok',
    kafka: spans.some((span) => span.kind === SPAN_KIND.producer) && spans.some((span) => span.kind === SPAN_KIND.consumer),
  };
}

/** The earliest span whose parent is not in the trace (the edge continues a caller's trace, so its parent is often outside). */
export function rootOf(spans: readonly OtlpSpan[]): OtlpSpan | undefined {
  const ids = new Set(spans.map((span) => span.spanId));
  return [...spans].filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId)).sort((a, b) => a.startMs - b.startMs)[0];
}

export function matchesFilter(summary: TraceSummary, spans: readonly OtlpSpan[], filter: TraceFilter): boolean {
  if (filter.service && !summary.services.includes(filter.service)) return false;
  if (filter.status && summary.status !== filter.status) return false;
  if (filter.minDurationMs !== undefined && summary.durationMs < filter.minDurationMs) return false;
  if (filter.maxDurationMs !== undefined && summary.durationMs > filter.maxDurationMs) return false;
  if (filter.text) {
    const needle = filter.text.toLowerCase();
    const found =
      summary.traceId === needle ||
      spans.some(
        (span) => span.name.toLowerCase().includes(needle) || Object.values(span.attributes).some((value) => String(value).toLowerCase().includes(needle)),
      );
    if (!found) return false;
  }
  return true;
}

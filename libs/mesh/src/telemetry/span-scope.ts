import { type Context, context, INVALID_SPAN_CONTEXT, type Span, type SpanOptions, SpanStatusCode, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { guardTelemetry } from './telemetry-failure';

/** The instrumentation scope every span of the mesh is recorded under. */
export const MESH_TRACER_NAME = '@meshmart/mesh';

const nonRecordingSpan = () => trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * Starts a span as a child of `parent`, runs `work` with that span active, and ends it: a
 * throw from `work` is recorded on the span (exception event, ERROR status, `error.type`) and
 * rethrown unchanged. Telemetry's own failures are reported and `work` runs anyway, with a span
 * that records nothing.
 */
export async function runInSpan<T>(name: string, options: SpanOptions, parent: Context, work: (span: Span) => Promise<T>): Promise<T> {
  const span = guardTelemetry('start span', undefined, () => trace.getTracer(MESH_TRACER_NAME).startSpan(name, options, parent));
  if (!span) return work(nonRecordingSpan());
  const active = guardTelemetry('activate span', parent, () => trace.setSpan(parent, span));
  try {
    return await context.with(active, () => work(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    guardTelemetry('end span', undefined, () => span.end());
  }
}

/** Marks a span failed, with `errorType` (an error class name or a status code) as `error.type`. */
export function markSpanFailed(span: Span, errorType: string, message?: string): void {
  guardTelemetry('set span status', undefined, () => {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus(message === undefined ? { code: SpanStatusCode.ERROR } : { code: SpanStatusCode.ERROR, message });
  });
}

/** Records a throw on the span: an exception event, ERROR status and `error.type`. */
export function recordFailure(span: Span, error: unknown): void {
  guardTelemetry('record exception', undefined, () => span.recordException(error instanceof Error ? error : String(error)));
  markSpanFailed(span, error instanceof Error ? error.name : typeof error, error instanceof Error ? error.message : String(error));
}

import {
  type Context,
  context,
  isSpanContextValid,
  type Span,
  type SpanContext,
  type SpanOptions,
  trace,
  TraceFlags,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { RandomIdGenerator } from '@opentelemetry/sdk-trace';

/**
 * The tracer of a process that sends its spans nowhere. Every span still gets ids of its own,
 * so context propagates exactly as with the SDK: callees become children of this hop, logs
 * carry trace ids, and the sampled flag follows the parent (set on new traces, as the SDK's
 * always-on sampler sets it) so a downstream service that does export records its part. What
 * is skipped is everything nobody would read: span objects, attributes, events and clocks.
 */
export class PropagationOnlyTracerProvider implements TracerProvider {
  private readonly tracer = new PropagationOnlyTracer();

  getTracer(): Tracer {
    return this.tracer;
  }
}

class PropagationOnlyTracer implements Tracer {
  private readonly ids = new RandomIdGenerator();

  startSpan(_name: string, options?: SpanOptions, parentContext: Context = context.active()): Span {
    const parent = options?.root ? undefined : trace.getSpanContext(parentContext);
    return trace.wrapSpanContext(parent && isSpanContextValid(parent) ? this.childOf(parent) : this.newTrace());
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, parentContext: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, ...rest: [F] | [SpanOptions, F] | [SpanOptions, Context, F]): ReturnType<F> {
    const fn = rest[rest.length - 1] as F;
    const options = rest.length > 1 ? (rest[0] as SpanOptions) : undefined;
    const parentContext = rest.length > 2 ? (rest[1] as Context) : context.active();
    const span = this.startSpan(name, options, parentContext);
    return context.with(trace.setSpan(parentContext, span), () => fn(span)) as ReturnType<F>;
  }

  private childOf(parent: SpanContext): SpanContext {
    const child: SpanContext = { traceId: parent.traceId, spanId: this.ids.generateSpanId(), traceFlags: parent.traceFlags };
    if (parent.traceState) child.traceState = parent.traceState;
    return child;
  }

  private newTrace(): SpanContext {
    return { traceId: this.ids.generateTraceId(), spanId: this.ids.generateSpanId(), traceFlags: TraceFlags.SAMPLED };
  }
}

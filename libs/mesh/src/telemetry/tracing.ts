import { type Attributes, context, INVALID_SPAN_CONTEXT, propagation, ROOT_CONTEXT, type Span, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, type SpanExporter, type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
  ATTR_SERVICE_VERSION,
} from '@opentelemetry/semantic-conventions';
import { PropagationOnlyTracerProvider } from './propagation-only-tracer';
import { markSpanFailed, MESH_TRACER_NAME, recordFailure, runInSpan } from './span-scope';
import { guardTelemetry, reportTelemetryFailure } from './telemetry-failure';

export interface TracingOptions {
  /** `service.name`, e.g. `inventory-service`. */
  serviceName: string;
  /** `service.instance.id`, unique per process, e.g. the registry's instance id. */
  serviceInstanceId: string;
  /** `service.namespace`; default `meshmart`. */
  namespace?: string;
  /** `service.version`; left out when not given. */
  serviceVersion?: string;
  /**
   * Where finished spans go (each batched): an `InMemorySpanExporter` in tests,
   * `await otlpTraceExporter(url)` in a service.
   */
  exporters?: readonly SpanExporter[];
}

/** Tracing as started; stop it before the process exits so buffered spans are sent. */
export interface RunningTracing {
  /** Sends every span that has ended but is still buffered. */
  forceFlush(): Promise<void>;
  /** Flushes, stops the SDK and unregisters it, so tracing can be started again. */
  shutdown(): Promise<void>;
}

/** The process's tracing (OpenTelemetry's globals are per process) and how many starts hold it. */
let running: { tracing: RunningTracing; holders: number } | undefined;

/**
 * Starts OpenTelemetry tracing for a service: W3C trace-context propagation, a resource from the
 * semantic conventions, and no auto-instrumentation (the mesh makes its own spans with
 * `withServerSpan`, `withClientSpan` and the Kafka helpers, so nothing is traced twice).
 *
 * With no exporter, context still propagates (logs carry trace ids,
 * callees join the caller's trace) but no span is recorded: a tracer that only makes ids stands
 * in for the SDK, so a process that exports nothing spends nothing on spans.
 * Exporters are batched; `forceFlush()` or `shutdown()` sends what is buffered. A process has
 * one tracing: a second start (a test bed's second runtime) shares the one running, with the
 * first start's resource (its `service.name`) and exporters, and only the last holder's
 * `shutdown()` stops it; a second start that names exporters is reported as a telemetry
 * failure, since they cannot be added. A start while the last holder's shutdown still flushes
 * makes a tracing of its own. A start that fails reports the failure and
 * returns a handle that does nothing.
 *
 * @example
 * const tracing = startTracing({ serviceName: 'inventory-service', serviceInstanceId: instance.id,
 *   exporters: [await otlpTraceExporter(config.otlpEndpoint)] });
 * process.once('SIGTERM', () => void tracing.shutdown());
 */
export function startTracing(options: TracingOptions): RunningTracing {
  if (running) {
    if (options.exporters?.length) {
      reportTelemetryFailure('start tracing', new Error('tracing is already started in this process: it is shared, without these exporters'));
    }
    return share(running);
  }
  // A shutdown still flushing leaves its globals registered, and the API refuses a second registration.
  unregisterGlobals();
  try {
    const processors = (options.exporters ?? []).map((exporter) => new BatchSpanProcessor({ exporter }));
    if (processors.length === 0) {
      running = { tracing: propagationOnly(), holders: 0 };
      return share(running);
    }
    // The trace SDK itself, not `@opentelemetry/sdk-node`: that package loads every OTLP exporter
    // (gRPC, protobuf, logs, metrics) and the file-configuration parser at require time, half a
    // second of a service's start for nothing it uses here.
    const provider = new TracerProvider({
      resource: defaultResource().merge(
        resourceFromAttributes({
          [ATTR_SERVICE_NAME]: options.serviceName,
          [ATTR_SERVICE_NAMESPACE]: options.namespace ?? 'meshmart',
          [ATTR_SERVICE_INSTANCE_ID]: options.serviceInstanceId,
          ...(options.serviceVersion === undefined ? {} : { [ATTR_SERVICE_VERSION]: options.serviceVersion }),
        }),
      ),
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      spanProcessors: processors,
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    running = { tracing: runningTracing(provider, processors), holders: 0 };
    return share(running);
  } catch (error) {
    reportTelemetryFailure('start tracing', error);
    unregisterGlobals();
    return { forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
  }
}

/**
 * An OTLP/HTTP span exporter for `url` (e.g. `http://127.0.0.1:4318/v1/traces`). Its package,
 * with the OTLP transformer and metrics SDK it pulls in, is loaded only by a process that
 * exports: a service without an endpoint starts without it.
 */
export async function otlpTraceExporter(url: string): Promise<SpanExporter> {
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  return new OTLPTraceExporter({ url });
}

/** One holder's handle on the process's tracing: its `shutdown()` stops the tracing once no other holder is left. */
function share(shared: { tracing: RunningTracing; holders: number }): RunningTracing {
  shared.holders += 1;
  let released = false;
  return {
    forceFlush: () => shared.tracing.forceFlush(),
    async shutdown() {
      if (released) return;
      released = true;
      shared.holders -= 1;
      if (shared.holders > 0) return;
      // At once, not after the flush: a start from now on makes a tracing of its own.
      if (running === shared) running = undefined;
      await shared.tracing.shutdown();
    },
  };
}

/** Context and W3C propagation with ids only: what a process needs that exports no spans. */
function propagationOnly(): RunningTracing {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new PropagationOnlyTracerProvider());
  return {
    forceFlush: () => Promise.resolve(),
    shutdown: () => {
      unregisterGlobalsUnlessRestarted();
      return Promise.resolve();
    },
  };
}

function runningTracing(provider: TracerProvider, processors: SpanProcessor[]): RunningTracing {
  let stopping: Promise<void> | undefined;
  return {
    async forceFlush() {
      try {
        await Promise.all(processors.map((processor) => processor.forceFlush()));
      } catch (error) {
        reportTelemetryFailure('flush spans', error);
      }
    },
    shutdown() {
      stopping ??= (async () => {
        try {
          await provider.shutdown();
        } catch (error) {
          reportTelemetryFailure('shut down tracing', error);
        } finally {
          unregisterGlobalsUnlessRestarted();
        }
      })();
      return stopping;
    },
  };
}

// A provider's shutdown leaves it, the propagator and the context manager registered, and the
// API refuses a second registration; clearing them lets tracing start again in this process.
/** After a shutdown's flush: the globals go, unless a tracing started meanwhile registered its own. */
function unregisterGlobalsUnlessRestarted(): void {
  if (running === undefined) unregisterGlobals();
}

function unregisterGlobals(): void {
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The span of one HTTP exchange, handed to the code that performs it. */
export interface HttpSpan {
  readonly span: Span;
  /**
   * Records `http.response.status_code`, and marks the span failed as the semantic conventions
   * say: 5xx on the server side, 4xx and 5xx on the client side.
   */
  setResponseStatus(statusCode: number): void;
}

/** Incoming request headers as Node and Fastify give them (names in lower case). */
export type IncomingHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Serves one inbound request inside a SERVER span that continues the caller's trace: the
 * caller's `traceparent` / `tracestate` headers make it the parent. `attributes` use the HTTP
 * semantic-convention names (`http.request.method`, `url.path`, `http.route`, `server.address`,
 * `server.port`). `handle` runs with the span active, so outbound calls, Kafka messages and log
 * lines made while serving join the trace; a throw is recorded on the span and rethrown.
 *
 * @example
 * await withServerSpan('GET /products/:id', request.headers,
 *   { 'http.request.method': 'GET', 'url.path': '/products/42', 'http.route': '/products/:id' },
 *   async (http) => { const product = await products.find(id); http.setResponseStatus(200); return product; });
 */
export function withServerSpan<T>(
  name: string,
  incomingHeaders: IncomingHeaders,
  attributes: Attributes | (() => Attributes),
  handle: (http: HttpSpan) => Promise<T>,
): Promise<T> {
  const parent = guardTelemetry('extract trace context', ROOT_CONTEXT, () => propagation.extract(ROOT_CONTEXT, incomingHeaders));
  return runInSpan(name, { kind: SpanKind.SERVER }, parent, (span) => {
    setAttributesIfRecording(span, attributes);
    return handle(httpSpan(span, 500));
  });
}

/**
 * Makes one outbound call inside a CLIENT span, a child of whatever span is active. `call`
 * gets the headers to send (`traceparent`, and `tracestate` when there is one) so the callee's
 * server span becomes this span's child. `attributes` use the HTTP semantic-convention names.
 *
 * @example
 * const res = await withClientSpan('GET', { 'http.request.method': 'GET', 'url.path': '/products/42',
 *   'server.address': host, 'server.port': port },
 *   async (headers, http) => { const res = await send(url, { headers }); http.setResponseStatus(res.status); return res; });
 */
export async function withClientSpan<T>(
  name: string,
  attributes: Attributes | (() => Attributes),
  call: (outgoingHeaders: Record<string, string>, http: HttpSpan) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  const span = guardTelemetry('start span', undefined, () => trace.getTracer(MESH_TRACER_NAME).startSpan(name, { kind: SpanKind.CLIENT }, parent));
  const outgoingHeaders: Record<string, string> = {};
  // Nothing runs below a client span but the exchange itself: the span is injected, not activated.
  guardTelemetry('inject trace context', undefined, () => propagation.inject(span ? trace.setSpan(parent, span) : parent, outgoingHeaders));
  if (!span) return call(outgoingHeaders, httpSpan(undefined, 400));
  setAttributesIfRecording(span, attributes);
  try {
    return await call(outgoingHeaders, httpSpan(span, 400));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    guardTelemetry('end span', undefined, () => span.end());
  }
}

/** Attributes cost only when the span records them: unsampled requests skip building them. */
function setAttributesIfRecording(span: Span, attributes: Attributes | (() => Attributes)): void {
  if (!span.isRecording()) return;
  guardTelemetry('set span attributes', undefined, () => span.setAttributes(typeof attributes === 'function' ? attributes() : attributes));
}

function httpSpan(span: Span | undefined, firstFailingStatus: number): HttpSpan {
  const recording = span?.isRecording() === true;
  return {
    span: span ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
    setResponseStatus(statusCode) {
      if (!recording || !span) return;
      guardTelemetry('set response status', undefined, () => span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode));
      if (statusCode >= firstFailingStatus) markSpanFailed(span, String(statusCode));
    },
  };
}

/**
 * A service of its own for the two-process tracing test: an HTTP server on 127.0.0.1 that
 * serves every request inside `withServerSpan`, with tracing started as a service starts it.
 * Its stdout is JSON lines: `{"listening":<port>}` once, then `{"span":{...}}` per exported
 * span. SIGTERM shuts tracing down (which exports what is buffered) and exits.
 *
 * Run: node -r @swc-node/register libs/mesh/src/telemetry/testing/traced-http-server.ts
 */
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { startTracing, withServerSpan } from '../tracing';

/** Writes each exported span as one JSON line on stdout, for the parent process to read. */
class JsonLinesSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    for (const span of spans) {
      const { traceId, spanId } = span.spanContext();
      const line = {
        name: span.name,
        kind: span.kind,
        traceId,
        spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        status: span.status,
        resource: span.resource.attributes,
      };
      process.stdout.write(`${JSON.stringify({ span: line })}\n`);
    }
    done({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const tracing = startTracing({
  serviceName: 'traced-http-server',
  serviceInstanceId: `traced-http-server-${process.pid}`,
  exporters: [new JsonLinesSpanExporter()],
});

const server = createServer((request, response) => {
  const path = (request.url ?? '/').split('?', 1)[0] ?? '/';
  const attributes = {
    'http.request.method': request.method ?? 'GET',
    'url.path': path,
    'server.address': '127.0.0.1',
    'server.port': (server.address() as AddressInfo).port,
  };
  withServerSpan(`${request.method ?? 'GET'} ${path}`, request.headers, attributes, async (http) => {
    // Echo what arrived, so the test can check the header the client span sent.
    const body = JSON.stringify({ traceparent: request.headers.traceparent ?? null });
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
    http.setResponseStatus(200);
  }).catch(() => response.writeHead(500).end());
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`);
});

process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void tracing.shutdown().then(() => process.exit(0));
});

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';
import { type RunningTracing, startTracing, withClientSpan } from './tracing';

/** A span as the child process's exporter wrote it. */
interface ExportedSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** The traced HTTP server as a separate Node process, and everything it printed. */
class TracedServerProcess {
  readonly spans: ExportedSpan[] = [];
  private output = '';
  private readonly exited: Promise<unknown>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly port: number,
  ) {
    this.exited = once(child, 'exit');
  }

  static async start(timeoutMs = 30_000): Promise<TracedServerProcess> {
    const root = findWorkspaceRoot();
    const script = join(root, 'libs/mesh/src/telemetry/testing/traced-http-server.ts');
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
      cwd: root,
      env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.base.json') },
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const lines = createInterface({ input: child.stdout });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`traced-http-server did not listen within ${timeoutMs / 1000}s:\n${stderr}`));
      }, timeoutMs);
      lines.once('line', (line) => {
        clearTimeout(timer);
        const { listening } = JSON.parse(line) as { listening?: number };
        if (typeof listening === 'number') resolve(listening);
        else reject(new Error(`unexpected first line from traced-http-server: ${line}`));
      });
      child.once('exit', (code) => reject(new Error(`traced-http-server exited with ${String(code)}:\n${stderr}`)));
    });
    const server = new TracedServerProcess(child, port);
    lines.on('line', (line) => server.read(line));
    child.stderr.on('data', (chunk: Buffer) => (server.output += chunk.toString()));
    return server;
  }

  /** SIGTERM, which makes the server export its buffered spans; SIGKILL if it takes too long. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    if (this.child.exitCode !== 0) throw new Error(`traced-http-server exited with ${String(this.child.exitCode ?? this.child.signalCode)}:\n${this.output}`);
  }

  private read(line: string): void {
    const parsed = JSON.parse(line) as { span?: ExportedSpan };
    if (parsed.span) this.spans.push(parsed.span);
  }
}

describe('trace context across two processes over HTTP', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: RunningTracing;
  let server: TracedServerProcess;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'tracing-int-spec', serviceInstanceId: `tracing-int-spec-${process.pid}`, exporters: [exporter] });
    server = await TracedServerProcess.start();
  });
  afterAll(async () => {
    await server?.stop();
    await tracing?.shutdown();
  });

  it('makes the other process’s server span a child of this process’s client span', async () => {
    const attributes = { 'http.request.method': 'GET', 'url.path': '/echo', 'server.address': '127.0.0.1', 'server.port': server.port };
    const echoed = await withClientSpan('GET traced-http-server', attributes, async (headers, http) => {
      const response = await fetch(`http://127.0.0.1:${server.port}/echo`, { headers, signal: AbortSignal.timeout(10_000) });
      http.setResponseStatus(response.status);
      return (await response.json()) as { traceparent: string | null };
    });
    await tracing.forceFlush();
    await server.stop();

    const [client] = exporter.getFinishedSpans();
    if (!client) throw new Error('this process exported no client span');
    const { traceId, spanId } = client.spanContext();
    expect(echoed.traceparent).toBe(`00-${traceId}-${spanId}-01`);

    expect(server.spans).toHaveLength(1);
    const [serverSpan] = server.spans;
    expect(serverSpan).toMatchObject({ name: 'GET /echo', kind: SpanKind.SERVER, traceId, parentSpanId: spanId });
    expect(serverSpan?.spanId).not.toBe(spanId);
    expect(client.kind).toBe(SpanKind.CLIENT);
    expect(client.attributes).toEqual({ ...attributes, 'http.response.status_code': 200 });
    expect(serverSpan?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/echo',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.response.status_code': 200,
    });
    expect(serverSpan?.resource).toMatchObject({ 'service.name': 'traced-http-server', 'service.namespace': 'meshmart' });
    expect(client.resource.attributes['service.name']).toBe('tracing-int-spec');
  });
});

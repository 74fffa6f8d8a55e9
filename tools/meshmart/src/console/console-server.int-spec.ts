import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackEndpoints } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { type RunningConsole, startConsole } from './console';

let stack: StackEndpoints;
let dir: string;
let running: RunningConsole | undefined;

const start = async () =>
  (running = await startConsole({
    prometheusUrl: stack.prometheus.url,
    etcdEndpoints: stack.etcd.endpoints,
    namespace: `int-${randomBytes(3).toString('hex')}`,
    port: 0,
    tracesDir: dir,
  }));

function exportOf(traceId: string, service: string): object {
  const span = {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: 'POST gateway',
    kind: 2,
    startTimeUnixNano: `${Date.now()}000000`,
    endTimeUnixNano: `${Date.now() + 5}000000`,
    attributes: [{ key: 'url.path', value: { stringValue: '/orders/order-77' } }],
  };
  return { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ spans: [span] }] }] };
}

async function post(
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; type: string | null; body: { type?: string; detail?: string } }> {
  const response = await fetch(`${running?.otlpEndpoint}`, { method: 'POST', body, headers });
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { type?: string } };
}

beforeAll(async () => {
  stack = await useStack();
  dir = mkdtempSync(join(tmpdir(), 'console-int-'));
  await start();
});
afterAll(async () => {
  await running?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console server', () => {
  it('receives OTLP/HTTP JSON exports, plain and gzipped, and keeps the traces across a restart', async () => {
    const traceId = randomBytes(16).toString('hex');
    expect((await post(JSON.stringify(exportOf(traceId, 'gateway')), { 'content-type': 'application/json' })).status).toBe(200);
    expect(
      (await post(gzipSync(JSON.stringify(exportOf(traceId, 'order-service'))), { 'content-type': 'application/json', 'content-encoding': 'gzip' })).status,
    ).toBe(200);
    const read = async () => (await fetch(`${running?.url}/api/traces/${traceId}`)).json() as Promise<{ services: string[]; spanCount: number }>;
    expect(await read()).toMatchObject({ services: ['gateway', 'order-service'], spanCount: 2 });

    await running?.close();
    await start();
    expect(await read()).toMatchObject({ services: ['gateway', 'order-service'], spanCount: 2 });
    const found = (await (await fetch(`${running?.url}/api/traces?q=order-77&service=order-service`)).json()) as { traces: { traceId: string }[] };
    expect(found.traces.map((trace) => trace.traceId)).toContain(traceId);
  });

  it('refuses what is not an OTLP JSON export with a problem, keeping nothing of it', async () => {
    const before = ((await (await fetch(`${running?.url}/api/status`)).json()) as { traces: number }).traces;
    expect(
      await post('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz", "spanId": "01"}]}]}]}', { 'content-type': 'application/json' }),
    ).toMatchObject({ status: 400, type: 'application/problem+json', body: { type: expect.stringMatching(/invalid-otlp-export$/) } });
    expect(await post('not json', { 'content-type': 'application/json' })).toMatchObject({ status: 400 });
    expect(await post(Buffer.from([1, 2, 3]), { 'content-type': 'application/x-protobuf' })).toMatchObject({
      status: 415,
      body: { detail: expect.stringContaining('JSON encoding') },
    });
    expect(((await (await fetch(`${running?.url}/api/status`)).json()) as { traces: number }).traces).toBe(before);
  });

  it('is read-only, and answers only requests addressed to this machine', async () => {
    const write = await fetch(`${running?.url}/api/traces`, { method: 'DELETE' });
    expect(write.status).toBe(405);
    expect(write.headers.get('content-type')).toBe('application/problem+json');
    // fetch will not forge Host: a raw request does, as a DNS-rebinding page's would arrive.
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${running?.url}/api/status`);
      request({ host: url.hostname, port: url.port, path: url.pathname, headers: { host: 'evil.example:80' } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('serves the page and the libraries it draws with from node_modules', async () => {
    for (const path of [
      '/',
      '/console.js',
      '/graph-view.js',
      '/trace-view.js',
      '/console.css',
      '/vendor/cytoscape.min.js',
      '/vendor/uPlot.iife.min.js',
      '/vendor/uPlot.min.css',
    ]) {
      const response = await fetch(`${running?.url}${path}`);
      expect(response.status, path).toBe(200);
      expect((await response.text()).length, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${running?.url}/nothing-here`)).status).toBe(404);
  });
});

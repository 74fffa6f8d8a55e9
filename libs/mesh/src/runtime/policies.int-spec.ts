import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadlineExceeded } from '../errors/mesh-error';
import { request } from 'node:https';
import type { AppProcess } from '@meshmart/platform';
import { workloadFiles } from '../identity/certificate-files';
import { mtlsAgent } from '../identity/mtls-agent';
import { WorkloadIdentity } from '../identity/workload-identity';
import { DEADLINE_HEADER, Deadline } from '../resilience/deadline';
import type { EchoAnswer } from '../testing/echo-service';
import { MeshTestBed } from '../testing/mesh-test-bed';
import { UpstreamFailed } from '../client/upstream-client';
import type { MeshRuntime } from './mesh-runtime';

/** The value of one series in a Prometheus text exposition, 0 when absent. */
function sample(metrics: string, name: string, labels: Record<string, string>): number {
  for (const line of metrics.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('policies of a mesh call, end to end over real sockets', () => {
  let bed: MeshTestBed;
  let client: MeshRuntime;
  let echoMetrics: () => Promise<string>;
  let echo: AppProcess;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    echo = await bed.startEcho('echo-1');
    client = await bed.client();
    echoMetrics = async () => (await client.client('echo-service').get<string>('/metrics')).body;
  });

  afterAll(async () => {
    await bed.close();
  });

  it('denies a mesh peer the policy does not name: 403 problem, a metric and no handler run', async () => {
    const intruder = await bed.client('intruder');
    const denied = await intruder.client('echo-service').get('/echo');
    expect(denied.status).toBe(403);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(denied.body).toMatchObject({
      type: 'https://meshmart.dev/problems/access-denied',
      status: 403,
      instance: '/echo',
      caller: `spiffe://meshmart.local/ns/${bed.namespace}/sa/intruder`,
    });
    expect(sample(await echoMetrics(), 'meshmart_authz_denied_total', { source_principal: `spiffe://meshmart.local/ns/${bed.namespace}/sa/intruder` })).toBe(1);
    // The same caller on a route open to any mesh peer is let in.
    expect((await intruder.client('echo-service').get('/health')).status).toBe(200);
  });

  it('decides by the matched route only: a sibling template does not open a static route', async () => {
    const intruder = await bed.client('intruder');
    expect((await client.client('echo-service').get('/items/42')).status).toBe(200);
    expect((await client.client('echo-service').get('/items/secret')).status).toBe(403);
    expect((await intruder.client('echo-service').get('/items/secret')).status).toBe(200);
    expect((await intruder.client('echo-service').get('/items/42')).status).toBe(403);
  });

  it('hands the callee the caller’s remaining deadline', async () => {
    const { body } = await client.client('echo-service').get<EchoAnswer>('/echo', { deadline: Deadline.after(800) });
    expect(body.deadlineMs).toBeGreaterThan(400);
    expect(body.deadlineMs).toBeLessThanOrEqual(800);
  });

  it('stops at the deadline on both sides: the caller fails fast, the callee abandons the work', async () => {
    const started = Date.now();
    await expect(client.client('echo-service').get('/work?ms=3000', { deadline: Deadline.after(300) })).rejects.toBeInstanceOf(DeadlineExceeded);
    expect(Date.now() - started).toBeLessThan(1_500);
    const stats = async () => (await client.client('echo-service').get<{ completed: number; abandoned: number }>('/work-stats')).body;
    await expect.poll(stats, { timeout: 2_000 }).toEqual({ completed: 0, abandoned: 1 });
  });

  it('answers 504 itself when the deadline passes before the handler is done', async () => {
    // A caller (here a bare mTLS request) announces 200 ms and then waits longer.
    const identity = await WorkloadIdentity.load(workloadFiles(bed.certDir, 'mesh-test-client'));
    const agent = mtlsAgent(identity, { expectedSpiffeId: `spiffe://meshmart.local/ns/${bed.namespace}/sa/echo-service`, keepAlive: false });
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      request(`${echo.url}/work?ms=3000`, { agent, headers: { [DEADLINE_HEADER]: '200' } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    identity.close();
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toMatchObject({ type: 'https://meshmart.dev/problems/deadline-exceeded', status: 504 });
    const stats = async () => (await client.client('echo-service').get<{ completed: number; abandoned: number }>('/work-stats')).body;
    await expect.poll(stats, { timeout: 2_000 }).toEqual({ completed: 0, abandoned: 2 });
  });

  it('reports Istio-compatible series on both sides after real traffic', async () => {
    for (let i = 0; i < 5; i++) await client.client('echo-service').get('/echo');
    const source = await client.metrics.metricsText();
    const callerPrincipal = `spiffe://meshmart.local/ns/${bed.namespace}/sa/mesh-test-client`;
    const calleePrincipal = `spiffe://meshmart.local/ns/${bed.namespace}/sa/echo-service`;
    expect(
      sample(source, 'istio_requests_total', {
        reporter: 'source',
        source_workload: 'mesh-test-client',
        source_principal: callerPrincipal,
        destination_workload: 'echo-service',
        destination_principal: calleePrincipal,
        destination_service: `echo-service.${bed.namespace}.svc.cluster.local`,
        response_code: '200',
        response_flags: '-',
      }),
    ).toBeGreaterThanOrEqual(5);
    expect(source).toMatch(/istio_request_duration_milliseconds_bucket\{[^}]*reporter="source"[^}]*destination_workload="echo-service"/);

    const destination = await echoMetrics();
    expect(
      sample(destination, 'istio_requests_total', {
        reporter: 'destination',
        source_principal: callerPrincipal,
        destination_workload: 'echo-service',
        connection_security_policy: 'mutual_tls',
        response_code: '200',
      }),
    ).toBeGreaterThanOrEqual(5);
    expect(destination).toMatch(/istio_response_bytes_bucket\{/);
    expect(destination).toMatch(/nodejs_eventloop_lag_seconds/);
  });
});

describe('retries: only for calls that are safe to repeat', () => {
  let bed: MeshTestBed;
  let client: MeshRuntime;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    await bed.startEcho('failing-1', { ECHO_BEHAVIOUR: 'fail' });
    client = await bed.client();
  });

  afterAll(async () => {
    await bed.close();
  });

  const attemptsSeenBy = async (code: string) =>
    sample(await client.metrics.metricsText(), 'istio_requests_total', { reporter: 'source', response_code: code, destination_workload: 'echo-service' });

  it('tries a POST without an idempotency key once, with one up to the attempt limit', async () => {
    const before = await attemptsSeenBy('503');
    await expect(client.client('echo-service').post('/orders', { body: { sku: 'A' } })).rejects.toBeInstanceOf(UpstreamFailed);
    expect((await attemptsSeenBy('503')) - before).toBe(1);

    await expect(client.client('echo-service').post('/orders', { body: { sku: 'A' }, idempotencyKey: 'order-42' })).rejects.toBeInstanceOf(UpstreamFailed);
    expect((await attemptsSeenBy('503')) - before).toBe(1 + 3);
  });
});

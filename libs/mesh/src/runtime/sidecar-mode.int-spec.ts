import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { UpstreamFailed } from '../client/upstream-client';
import { Deadline } from '../resilience/deadline';
import { parsePrometheusText, samplesOf } from '../telemetry/testing/prometheus-text';
import type { EchoAnswer } from '../testing/echo-service';
import { SidecarTestBed } from '../testing/sidecar-test-bed';
import type { MeshRuntime } from './mesh-runtime';

/** The sum of the series of `name` whose labels include `labels` (0 when there is none). */
function total(metrics: string, name: string, labels: Record<string, string>): number {
  return samplesOf(parsePrometheusText(metrics), name, labels).reduce((sum, sample) => sum + sample.value, 0);
}

describe('sidecar mode: plain HTTP to MESH_SIDECAR_URL, deadlines and traces kept', () => {
  let bed: SidecarTestBed;
  let echo: AppProcess;
  let client: MeshRuntime;

  beforeAll(async () => {
    bed = new SidecarTestBed();
    echo = await bed.startEcho('echo-plain');
    // A fixed URL, no `{service}`: this client's one upstream is wherever the "sidecar" listens.
    client = await bed.client(echo.url);
  });

  afterAll(async () => {
    await bed.close();
  });

  it('runs without etcd, certificates or TLS, and sees one endpoint: the sidecar URL', () => {
    expect(echo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(client.identity).toBeUndefined();
    expect(client.registry).toBeUndefined();
    const port = Number(new URL(echo.url).port);
    expect(client.registryView('echo-service')).toEqual([expect.objectContaining({ id: 'echo-service-via-sidecar', address: '127.0.0.1', port })]);
  });

  it('calls over plain HTTP and still hands the callee its deadline and the trace context', async () => {
    const caller = trace.getTracer('sidecar-mode.int-spec');
    const { response, traceId } = await caller.startActiveSpan('caller', async (span) => {
      try {
        return {
          response: await client.client('echo-service').get<EchoAnswer>('/echo', { deadline: Deadline.after(800) }),
          traceId: span.spanContext().traceId,
        };
      } finally {
        span.end();
      }
    });
    expect(response.status).toBe(200);
    expect(response.servedBy).toBe('echo-service-via-sidecar');
    // The echo process answered; no client certificate means no caller identity.
    expect(response.body).toMatchObject({ instance: 'echo-plain', caller: null });
    expect(response.body.deadlineMs).toBeGreaterThan(400);
    expect(response.body.deadlineMs).toBeLessThanOrEqual(800);
    // The callee joins the caller's trace, as a child of the client span (not of `caller` itself).
    expect(response.body.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('leaves the destination-side Istio series to the sidecar, which sees the real peer', async () => {
    await client.client('echo-service').get('/echo');
    const calleeMetrics = (await client.client('echo-service').get<string>('/metrics')).body;
    expect(calleeMetrics).toContain('# TYPE istio_requests_total counter');
    expect(total(calleeMetrics, 'istio_requests_total', { reporter: 'destination' })).toBe(0);
    // The caller's side, as Istio's, cannot know the policy and names no peer principal.
    const callerMetrics = await client.metrics.metricsText();
    expect(
      total(callerMetrics, 'istio_requests_total', {
        reporter: 'source',
        destination_workload: 'echo-service',
        connection_security_policy: 'unknown',
        destination_principal: 'unknown',
      }),
    ).toBeGreaterThanOrEqual(2);
  });
});

describe('sidecar mode leaves retries to the sidecar', () => {
  let bed: SidecarTestBed;
  let failing: MeshRuntime;

  beforeAll(async () => {
    bed = new SidecarTestBed();
    const echo = await bed.startEcho('echo-failing', { ECHO_BEHAVIOUR: 'fail' });
    // Three attempts configured, as proxyless would use them: sidecar mode must ignore them.
    failing = await bed.client(echo.url, 'mesh-test-client', { MESH_RETRY_ATTEMPTS: '3' });
  });

  afterAll(async () => {
    await bed.close();
  });

  it('tries an idempotent GET that fails with 503 exactly once', async () => {
    const attempts = async () =>
      total(await failing.metrics.metricsText(), 'istio_requests_total', { reporter: 'source', destination_workload: 'echo-service', response_code: '503' });
    const arrivals = async () => (await failing.client('echo-service').get<{ arrivals: number }>('/arrivals')).body.arrivals;
    const [attemptsBefore, arrivalsBefore] = [await attempts(), await arrivals()];

    const call = failing.client('echo-service').get('/echo');
    await expect(call).rejects.toBeInstanceOf(UpstreamFailed);
    await expect(call).rejects.toMatchObject({ response: { status: 503 } });

    // One attempt sent by the client, one request received by the callee.
    expect((await attempts()) - attemptsBefore).toBe(1);
    expect((await arrivals()) - arrivalsBefore).toBe(1);
  });
});

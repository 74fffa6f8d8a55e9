import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEdgeWorkload, testPaymentTokens, workloads } from '@meshmart/contracts';
import { type AppProcess, Shopper, type StackEndpoints } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { panelQueries } from './observability/dashboard-queries';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './observability/otlp-receiver';
import { type PlatformContext, startPlatformContext } from './platform-context';

const SPAN_KIND = { server: 2, client: 3, producer: 4, consumer: 5 } as const;

interface PrometheusTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

let stack: StackEndpoints;
let receiver: OtlpReceiver;
let ctx: PlatformContext;
const checkouts: { orderId: string; traceId: string; status: string }[] = [];
const secretsSeen: string[] = [];

async function prometheus<T>(path: string, params: Record<string, string> = {}): Promise<T> {
  const url = new URL(path, stack.prometheus.url);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${url.pathname}: ${body.error ?? response.status}`);
  return body.data;
}

const query = (expr: string) =>
  prometheus<{ result: { metric: Record<string, string>; value: [number, string] }[] }>('/api/v1/query', { query: expr }).then((data) => data.result);
const ourTargets = async () =>
  (await prometheus<{ activeTargets: PrometheusTarget[] }>('/api/v1/targets', { state: 'active' })).activeTargets.filter(
    (target) => target.labels['namespace'] === ctx.platform.namespace,
  );

async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs / 1000}s; last seen: ${JSON.stringify(value, null, 1).slice(0, 3_000)}`);
    await sleep(500);
  }
}

beforeAll(async () => {
  stack = await useStack();
  receiver = await startOtlpReceiver();
  ctx = await startPlatformContext({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url, MESH_LEASE_TTL_SECONDS: '3' });
  secretsSeen.push(ctx.platform.jwtSecret);
  // The demo's checkout run: one order paid, one declined; each request carries a trace id of
  // ours, which the gateway (the public edge) continues, so each checkout's trace can be found.
  const product = await ctx.product(100);
  for (const token of [testPaymentTokens.approve, testPaymentTokens.decline]) {
    const shopper = await Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret);
    secretsSeen.push(shopper.token);
    expect((await shopper.setLine(product.sku, 2)).status).toBe(200);
    const traceId = randomBytes(16).toString('hex');
    const placed = await shopper.call<{ orderId: string }>(
      'POST',
      '/cart/checkout',
      { paymentToken: token },
      { 'idempotency-key': randomBytes(8).toString('hex'), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    );
    expect(placed.status).toBe(201);
    const order = await shopper.settledOrder(placed.body.orderId);
    checkouts.push({ orderId: order.id, traceId, status: order.status });
  }
  expect(checkouts.map((c) => c.status)).toEqual(['CONFIRMED', 'FAILED']);
}, 180_000);

afterAll(async () => {
  await ctx?.close();
  await receiver?.close();
});

/** Every app's spans are in, the capture and the saga's consumer among them, and only the edge span's parent is outside the trace. */
function isCompleteCheckoutTrace(spans: readonly ReceivedSpan[]): boolean {
  const ids = new Set(spans.map((span) => span.spanId));
  const services = new Set(spans.map((span) => span.service));
  const orphans = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
  return (
    workloads.every((workload) => services.has(workload)) &&
    orphans.length === 1 &&
    spans.some(
      (span) => span.service === 'payment-service' && span.kind === SPAN_KIND.server && String(span.attributes['url.path'] ?? span.name).includes('capture'),
    ) &&
    spans.some((span) => span.kind === SPAN_KIND.consumer)
  );
}

describe('traces', () => {
  it('one checkout is one trace through all five apps, the saga below the order placement, the Kafka hop linked producer → consumer', async () => {
    const [confirmed] = checkouts;
    const traceOf = () => Promise.resolve(receiver.spans.filter((span) => span.traceId === confirmed?.traceId));
    // Each app exports its spans in its own batches, on its own schedule: the saga's last span
    // (the capture) can arrive before the gateway's batch that holds the checkout's first. So wait
    // for the whole tree — every app, the capture, the consumer, and no span whose parent is
    // still missing but the edge's — not for any one span.
    const spans = await eventually('the whole checkout trace', traceOf, (found) => isCompleteCheckoutTrace(found), 30_000);

    expect(new Set(spans.map((span) => span.service))).toEqual(new Set(workloads));
    // One tree: every span's parent is in the trace, except the edge span whose parent is the caller's (ours).
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId));
    expect(roots.map((span) => `${span.service} ${span.name}`)).toEqual([expect.stringMatching(/^gateway /)]);
    // OrderPlaced travels through Kafka in the trace: order-service's CONSUMER span is the child of the PRODUCER span that published it.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const consumer = spans.find((span) => span.kind === SPAN_KIND.consumer && span.service === 'order-service') as ReceivedSpan;
    expect(consumer, 'order-service consumes OrderPlaced in the trace').toBeDefined();
    const producer = byId.get(consumer.parentSpanId ?? '');
    expect(producer?.kind).toBe(SPAN_KIND.producer);
    expect(producer?.service).toBe('order-service');
    // The saga starts as soon as the order commits, inside the request that placed it; should
    // OrderPlaced reach the consumer first, the consumer runs it (the saga's lease lets one runner
    // at a time). Either way its calls to inventory and payment sit in the trace below
    // order-service: under its SERVER span for that POST /orders, or under that CONSUMER span.
    const placing = spans.find(
      (span) =>
        span.service === 'order-service' &&
        span.kind === SPAN_KIND.server &&
        span.attributes['http.request.method'] === 'POST' &&
        span.attributes['url.path'] === '/orders',
    ) as ReceivedSpan;
    expect(placing, "order-service's span for placing the order").toBeDefined();
    const below = (ancestor: ReceivedSpan, span: ReceivedSpan): boolean =>
      span.spanId === ancestor.spanId ||
      (span.parentSpanId !== undefined && byId.has(span.parentSpanId) && below(ancestor, byId.get(span.parentSpanId) as ReceivedSpan));
    for (const service of ['inventory-service', 'payment-service']) {
      expect(
        spans.some((span) => span.service === service && span.kind === SPAN_KIND.server && (below(placing, span) || below(consumer, span))),
        service,
      ).toBe(true);
    }
  });
});

describe('Prometheus and the dashboards', () => {
  it('has every Grafana panel query answer with data for this platform', async () => {
    // Two scrapes after the traffic, so rates over it are defined.
    await sleep(12_000);
    const queries = panelQueries({ namespace: ctx.platform.namespace, service: '.*', instance: '.*' });
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const { dashboard, panel, expr } of queries) {
      const result = await query(expr);
      if (result.length === 0) empty.push(`${dashboard} / ${panel}: ${expr}`);
    }
    expect(empty).toEqual([]);
  });

  it('counts the checkout funnel as it happened', async () => {
    const ns = ctx.platform.namespace;
    const value = async (expr: string) => Number((await query(expr))[0]?.value[1] ?? NaN);
    expect(await value(`sum(meshmart_orders_placed_total{namespace="${ns}"})`)).toBe(2);
    expect(await value(`sum(meshmart_orders_finished_total{namespace="${ns}",status="CONFIRMED",reason="none"})`)).toBe(1);
    expect(await value(`sum(meshmart_orders_finished_total{namespace="${ns}",status="FAILED",reason="payment_declined"})`)).toBe(1);
    expect(await value(`sum(meshmart_cart_checkouts_total{namespace="${ns}",outcome="placed"})`)).toBe(2);
    expect(await value(`sum(meshmart_checkout_saga_duration_seconds_count{namespace="${ns}"})`)).toBe(2);
    expect(
      await value(
        `sum(meshmart_kafka_messages_consumed_total{namespace="${ns}",consumergroup="${ctx.platform.kafkaPrefix}order-service.checkout-saga",outcome="handled"})`,
      ),
    ).toBeGreaterThanOrEqual(2);
  });

  it('scrapes every instance over mTLS, a late one joining and a killed one dropped', async () => {
    const expected = (apps: AppProcess[]) =>
      apps
        .filter((app) => app.process.exitCode === null && app.process.signalCode === null)
        .map((app) => app.instanceId)
        .sort();
    const settled = (apps: AppProcess[]) => (targets: PrometheusTarget[]) =>
      JSON.stringify(targets.map((t) => t.labels['instance_id']).sort()) === JSON.stringify(expected(apps)) && targets.every((t) => t.health === 'up');

    const targets = await eventually('every instance a target, up', ourTargets, settled(ctx.platform.apps), 30_000);
    for (const target of targets) {
      const edge = isEdgeWorkload(target.labels['workload'] ?? '');
      // Over mTLS with Prometheus's own certificate; only the edge's public listener (the gateway's) is plain HTTP.
      expect(target.scrapeUrl.startsWith(edge ? 'http://' : 'https://'), target.scrapeUrl).toBe(true);
      expect(target.labels).toMatchObject({ zone: 'local', version: expect.any(String) });
    }
    // The server side saw Prometheus as a verified mesh peer.
    const scrapes = await query(
      `sum by (workload) (istio_requests_total{namespace="${ctx.platform.namespace}",reporter="destination",source_principal="spiffe://meshmart.local/ns/meshmart/sa/prometheus",connection_security_policy="mutual_tls"})`,
    );
    expect(scrapes.map((sample) => sample.metric['workload']).sort()).toEqual(workloads.filter((w) => !isEdgeWorkload(w)).sort());

    const late = await ctx.platform.startInstance('inventory-service');
    await eventually('the late instance scraped', ourTargets, settled(ctx.platform.apps), 30_000);

    await late.stop('SIGKILL');
    const after = await eventually('the killed instance dropped', ourTargets, settled(ctx.platform.apps), 30_000);
    expect(after.map((t) => t.labels['instance_id'])).not.toContain(late.instanceId);
  });
});

describe('logs', () => {
  it('are JSON lines with service and instance, trace ids inside requests, and no secrets', () => {
    for (const app of ctx.platform.apps) {
      const lines = app
        .output()
        .split('\n')
        .filter((line) => line.trim() !== '');
      expect(lines.length, app.instanceId).toBeGreaterThan(0);
      for (const line of lines) {
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`${app.instanceId} wrote a line that is not JSON: ${line}`);
        }
        expect(entry, line).toMatchObject({ service: app.name, instance: app.instanceId, level: expect.any(String), time: expect.any(String) });
        for (const secret of secretsSeen) expect(line.includes(secret), `${app.instanceId} logged a secret`).toBe(false);
      }
    }
    // The saga's outcome lines are written inside the checkout's trace.
    const order = ctx.platform.instancesOf('order-service')[0] as AppProcess;
    const outcome = order
      .output()
      .split('\n')
      .find((line) => line.includes(checkouts[0]?.orderId ?? '?') && line.includes('CONFIRMED'));
    expect(outcome, 'order-service logs the confirmed order').toBeDefined();
    expect(JSON.parse(outcome as string)).toMatchObject({ trace_id: checkouts[0]?.traceId, span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
  });
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPaymentTokens, workloads } from '@meshmart/contracts';
import { findWorkspaceRoot, Shopper, type StackEndpoints } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { type ConsoleProcess, startConsoleProcess } from './console/console-process';
import { collectPageErrors, launchChromium } from './console/headless-browser';
import { type PlatformContext, startPlatformContext } from './platform-context';

const LEASE_TTL_SECONDS = 3;
/** The page refreshes every 4 s: a change shows within that plus one answer. */
const PAGE_REFRESH_MS = 4_000;
/** `npm run docs:screenshots` sets it: the README's images come from this very run. */
const docsScreenshots = process.env['MESHMART_DOCS_SCREENSHOTS'] === '1';
const root = findWorkspaceRoot();
const docsImageDir = join(root, 'docs', 'images');
const testOutputDir = join(root, 'tmp', 'test-output', 'console');

/** The service-to-service edges a checkout uses, as the server side reports them. */
const checkoutEdges = [
  'gateway→cart-service',
  'cart-service→inventory-service',
  'cart-service→order-service',
  'order-service→inventory-service',
  'order-service→payment-service',
];

/** What the page offers scripts: the graph's nodes as drawn (a canvas has no DOM to read). */
interface ConsolePage {
  GraphView: { shown(): { id: string; label: string; x: number; y: number }[] };
}

let stack: StackEndpoints;
let stateDir: string;
let webConsole: ConsoleProcess;
let ctx: PlatformContext;
let browser: Browser;
let page: Page;
let pageErrors: string[];
let checkout: { orderId: string; traceId: string };
let traffic: Promise<void> | undefined;
let trafficRunning = false;

async function placeOrder(sku: string, traceId = randomBytes(16).toString('hex')): Promise<{ orderId: string; traceId: string }> {
  const shopper = await Shopper.signIn(ctx.platform.gateway.url, ctx.platform.jwtSecret);
  expect((await shopper.setLine(sku, 1)).status).toBe(200);
  const placed = await shopper.call<{ orderId: string }>(
    'POST',
    '/cart/checkout',
    { paymentToken: testPaymentTokens.approve },
    { 'idempotency-key': randomBytes(8).toString('hex'), traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
  );
  expect(placed.status).toBe(201);
  const order = await shopper.settledOrder(placed.body.orderId);
  expect(order.status).toBe('CONFIRMED');
  return { orderId: order.id, traceId };
}

async function api<T>(path: string): Promise<{ status: number; type: string; body: T }> {
  const response = await fetch(`${webConsole.url}${path}`);
  return { status: response.status, type: response.headers.get('content-type') ?? '', body: (await response.json()) as T };
}

/** Into the test's output; with `npm run docs:screenshots`, the README's (`inReadme`) into docs/images instead. */
async function screenshot(name: string, inReadme = false): Promise<void> {
  const dir = docsScreenshots && inReadme ? docsImageDir : testOutputDir;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `console-${name}.png`) });
}

beforeAll(async () => {
  stack = await useStack();
  stateDir = mkdtempSync(join(tmpdir(), 'meshmart-console-'));
  const namespace = `e2e-${randomBytes(3).toString('hex')}`;
  webConsole = await startConsoleProcess({ namespace, prometheusUrl: stack.prometheus.url, etcdEndpoints: stack.etcd.endpoints, stateDir });
  ctx = await startPlatformContext(
    { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: webConsole.otlpEndpoint, MESH_LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS) },
    namespace,
  );
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  pageErrors = collectPageErrors(page);
}, 180_000);

afterAll(async () => {
  trafficRunning = false;
  await traffic;
  await browser?.close();
  await ctx?.close();
  await webConsole?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('the console of a running platform', () => {
  it('draws the five workloads and the edges a checkout used, with their rates and the mTLS mark', async () => {
    // A rate needs two scrapes of a counter that moved between them: wait until Prometheus
    // scrapes every instance, then keep checkouts going until the page shows the rates.
    await expect
      .poll(async () => (await api<{ instances?: { scraped: boolean | null }[] }>('/api/instances')).body.instances?.filter((row) => row.scraped).length ?? 0, {
        timeout: 60_000,
        interval: 500,
      })
      .toBe(7);
    const product = await ctx.product(1_000);
    checkout = await placeOrder(product.sku);
    // One checkout is all the demo makes: its edges show at once, counted, before any rate can.
    await page.goto(`${webConsole.url}/#graph`);
    for (const edge of checkoutEdges) await page.waitForSelector(`[data-testid="edges"] tr[data-edge="${edge}"]:not([data-recent="0"])`, { timeout: 30_000 });
    trafficRunning = true;
    traffic = (async () => {
      while (trafficRunning) await placeOrder(product.sku);
    })();

    const deadline = Date.now() + 60_000;
    for (const edge of checkoutEdges) {
      await page.waitForSelector(`[data-testid="edges"] tr[data-edge="${edge}"][data-mtls="true"]:not([data-rate="0"])`, {
        timeout: Math.max(1, deadline - Date.now()),
      });
    }
    const drawn = await page.evaluate(() => (globalThis as unknown as ConsolePage).GraphView.shown());
    for (const workload of workloads)
      expect(drawn.find((node) => node.id === workload)?.label, workload).toMatch(
        new RegExp(`^${workload}\\n${ctx.platform.instancesOf(workload).length} instances? · v`),
      );
    // Kafka: the orders topic (under the platform's prefix) between order-service (outbox) and its consumers.
    const orders = `topic:${ctx.platform.kafkaPrefix}orders.v1`;
    await page.waitForSelector(`[data-testid="edges"] tr[data-edge="order-service→${orders}"][data-kind="produce"]`, { timeout: 30_000 });
    await page.waitForSelector(`[data-testid="edges"] tr[data-edge="${orders}→order-service"][data-kind="consume"]`, { timeout: 30_000 });
    await screenshot('graph', true);
    // A click on a workload charts its requests/s and p99 (uPlot) from Prometheus's range API.
    // The graph is laid out again when an edge appears, so each try reads where the node is now.
    const clickInventory = async () => {
      const node = (await page.evaluate(() => (globalThis as unknown as ConsolePage).GraphView.shown())).find((shown) => shown.id === 'inventory-service');
      const canvas = await page.locator('[data-testid="graph-canvas"]').boundingBox();
      if (node && canvas) await page.mouse.click(canvas.x + node.x, canvas.y + node.y);
      return page.locator('#workload-chart .uplot').count();
    };
    await expect.poll(clickInventory, { timeout: 15_000, interval: 1_000 }).toBeGreaterThan(0);
    expect(await page.textContent('#workload-chart h2')).toContain('inventory-service');
    trafficRunning = false;
    await traffic;
  });

  it('finds the checkout by its order id and opens its trace: spans of all five apps and the Kafka hop', async () => {
    await page.goto(`${webConsole.url}/#traces`);
    await page.fill('[data-testid="trace-search"]', checkout.orderId);
    await page.click('#trace-filter button[type="submit"]');
    const row = page.locator(`[data-testid="trace-list"] tr[data-trace="${checkout.traceId}"]`);
    await row.waitFor({ timeout: 30_000 });
    // Each app exports in its own batches: wait for the whole tree (every app, the Kafka hop, no span whose parent is missing but the edge's).
    const complete = async () => {
      const { body } = await api<{ services: string[]; spans: { spanId: string; parentSpanId?: string; kind: number }[] }>(`/api/traces/${checkout.traceId}`);
      const ids = new Set(body.spans.map((span) => span.spanId));
      const orphans = body.spans.filter((span) => !span.parentSpanId || !ids.has(span.parentSpanId)).length;
      const hop = body.spans.some((span) => span.kind === 5 && body.spans.some((parent) => parent.spanId === span.parentSpanId && parent.kind === 4));
      return body.services.length === workloads.length && orphans === 1 && hop;
    };
    await expect.poll(complete, { timeout: 30_000, interval: 500 }).toBe(true);
    await screenshot('trace-list');
    await page.click(`[data-testid="trace-list"] tr[data-trace="${checkout.traceId}"]`);
    await page.waitForSelector('[data-testid="waterfall"] [data-testid="kafka-hop"]', { timeout: 15_000 });
    const services = await page.$$eval('[data-testid="waterfall"] tr[data-service]', (rows) =>
      [...new Set(rows.map((r) => r.getAttribute('data-service')))].sort(),
    );
    expect(services).toEqual([...workloads].sort());
    const kinds = await page.$$eval('[data-testid="waterfall"] tr[data-kind]', (rows) => rows.map((r) => r.getAttribute('data-kind')));
    expect(kinds).toEqual(expect.arrayContaining(['producer', 'consumer', 'server', 'client']));
    await page.click('[data-testid="waterfall"] tr[data-kind="consumer"]');
    await expect.poll(() => page.textContent('[data-testid="span-attributes"]'), { timeout: 5_000 }).toContain('orders.v1');
    await screenshot('trace', true);
  });

  it('lists every instance with its certificate expiry and traffic, the settings in force and the alert rules', async () => {
    await page.goto(`${webConsole.url}/#instances`);
    const rows = page.locator('[data-testid="instances"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(ctx.platform.apps.length);
    for (const app of ctx.platform.apps) {
      const cells = await page.locator(`[data-testid="instances"] tr[data-instance="${app.instanceId}"] td`).allTextContents();
      // instance, workload, address, health, ejected, zone, version, weight, certificate expiry, …
      expect(cells.slice(0, 4), app.instanceId).toEqual([app.instanceId, app.name, expect.stringMatching(/^127\.0\.0\.1:\d+$/), 'healthy']);
      expect(cells[8], `${app.instanceId} certificate expiry`).not.toBe('—');
    }
    await screenshot('instances');
    await page.goto(`${webConsole.url}/#traffic`);
    await page.locator('[data-testid="settings"] tbody tr').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="settings"]').textContent()).toContain('least_request');
    await page.locator('[data-testid="upstreams"] tbody tr').first().waitFor({ timeout: 10_000 });
    await screenshot('traffic');
    await page.goto(`${webConsole.url}/#alerts`);
    await page.locator('[data-testid="alerts"] tr[data-alert="MeshWorkloadHighErrorRate"]').waitFor({ timeout: 10_000 });
    await screenshot('alerts');
  });

  it('drops a killed inventory instance within the lease TTL', async () => {
    await page.goto(`${webConsole.url}/#instances`);
    const [victim] = ctx.platform.instancesOf('inventory-service');
    if (!victim) throw new Error('no inventory instance');
    await page.waitForSelector(`[data-testid="instances"] tr[data-instance="${victim.instanceId}"]`, { timeout: 15_000 });
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    await page.waitForSelector(`[data-testid="instances"] tr[data-instance="${victim.instanceId}"]`, {
      state: 'detached',
      timeout: LEASE_TTL_SECONDS * 1_000 + PAGE_REFRESH_MS + 5_000,
    });
    const gone = Date.now() - killedAt;
    expect(gone).toBeLessThan(LEASE_TTL_SECONDS * 1_000 + PAGE_REFRESH_MS + 5_000);
    await page.goto(`${webConsole.url}/#graph`);
    await page.waitForFunction(
      () => (globalThis as unknown as ConsolePage).GraphView.shown().some((node) => node.id === 'inventory-service' && node.label.includes('\n1 instance ·')),
      undefined,
      { timeout: 15_000 },
    );
  });

  it('said nothing at the error level in the browser console', () => {
    expect(pageErrors).toEqual([]);
  });
});

describe('bad input and missing components', () => {
  it('answers an unknown trace id with a problem, in the page and from /api', async () => {
    const unknown = randomBytes(16).toString('hex');
    const answer = await api<{ type: string; detail: string }>(`/api/traces/${unknown}`);
    expect(answer.status).toBe(404);
    expect(answer.type).toContain('application/problem+json');
    expect(answer.body.type).toMatch(/trace-not-found$/);
    expect((await api<{ type: string }>('/api/traces/not-a-trace-id')).status).toBe(400);
    expect((await api<{ type: string }>('/api/traces?status=maybe')).status).toBe(400);
    const other = await browser.newPage();
    await other.goto(`${webConsole.url}/#traces/${unknown}`);
    await other.waitForSelector('#traces [data-testid="problem"]:not([hidden])', { timeout: 10_000 });
    expect(await other.textContent('#traces [data-testid="problem"]')).toContain(`no trace ${unknown}`);
    await other.close();
  });

  it('says which component is down when Prometheus and etcd do not answer, and that a platform is empty', async () => {
    const deadState = mkdtempSync(join(tmpdir(), 'meshmart-console-dead-'));
    // Ports nothing listens on: this test's own closed components, the shared stack untouched.
    const dead = await startConsoleProcess({
      namespace: 'nobody-here',
      prometheusUrl: 'http://127.0.0.1:9',
      etcdEndpoints: ['http://127.0.0.1:9'],
      stateDir: deadState,
    });
    const empty = await startConsoleProcess({
      namespace: `empty-${randomBytes(3).toString('hex')}`,
      prometheusUrl: stack.prometheus.url,
      etcdEndpoints: stack.etcd.endpoints,
      stateDir: deadState,
    });
    try {
      const problem = async (base: string, path: string) => {
        const response = await fetch(`${base}${path}`);
        return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as { type: string; detail: string } };
      };
      expect(await problem(dead.url, '/api/alerts')).toMatchObject({
        status: 503,
        type: 'application/problem+json',
        body: { type: expect.stringMatching(/prometheus-unavailable$/) },
      });
      expect(await problem(dead.url, '/api/instances')).toMatchObject({ status: 503, body: { type: expect.stringMatching(/registry-unavailable$/) } });
      expect(await problem(empty.url, '/api/graph')).toMatchObject({
        status: 404,
        type: 'application/problem+json',
        body: { type: expect.stringMatching(/empty-platform$/) },
      });

      const other = await browser.newPage();
      await other.goto(`${dead.url}/#alerts`);
      await other.waitForSelector('#alerts [data-testid="problem"]:not([hidden])', { timeout: 15_000 });
      expect(await other.textContent('#alerts [data-testid="problem"]')).toContain('Prometheus is unavailable');
      await other.goto(`${dead.url}/#graph`);
      await other.waitForSelector('#graph [data-testid="problem"]:not([hidden])', { timeout: 15_000 });
      expect(await other.textContent('#graph [data-testid="problem"]')).toContain('etcd');
      await other.goto(`${empty.url}/#graph`);
      await other.waitForSelector('#graph [data-testid="problem"]:not([hidden])', { timeout: 15_000 });
      expect(await other.textContent('#graph [data-testid="problem"]')).toContain('npm run demo');
      await other.close();
    } finally {
      await dead.stop();
      await empty.stop();
      rmSync(deadState, { recursive: true, force: true });
    }
  });
});

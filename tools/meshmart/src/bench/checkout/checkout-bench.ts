import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { type Product, topics, workloads } from '@meshmart/contracts';
import { createKafka } from '@meshmart/messaging';
import { type AppProcess, databaseOf, startPlatform } from '@meshmart/platform';
import type { ComponentStatus } from '../../stack/component';
import type { LocalStack } from '../../stack/stack';
import { GatewayClient } from '../../load/gateway-client';
import type { LoadRecorder } from '../../load/load-recorder';
import { shopperTokenSigner } from '../../load/shopper-tokens';
import { CpuSampler, pidsNamed, type ProcessGroup } from '../process-cpu';
import { type CheckoutBenchReport, writeCheckoutReport } from './checkout-report';
import { type CheckoutStep, findKnee, runCheckoutStep } from './checkout-step';
import { DatabaseCounters } from './database-counters';
import { recordsWritten } from './kafka-counters';
import { measurePgbenchCeiling } from './pgbench-ceiling';

export interface CheckoutBenchOptions {
  root: string;
  stack: LocalStack;
  /** A smoke run for CI (two short steps, under a minute): proves the bench works, measures nothing. */
  quick: boolean;
  /** Where the results go; default bench/results. */
  outDir?: string;
  log(line: string): void;
}

const FULL = { ladder: [1, 2, 4, 8, 16, 32, 64], stepSeconds: 20, warmupSeconds: 5, pgbenchSeconds: 10 };
const QUICK = { ladder: [1, 4], stepSeconds: 4, warmupSeconds: 2, pgbenchSeconds: 3 };
const STOCK = 10_000_000;

/**
 * `npm run bench -- checkout`: starts the platform as the demo does (in its own namespace and
 * databases), seeds it, warms it up, climbs a ladder of shoppers and measures each step, then
 * measures the database ceiling with pgbench on the same server, and writes
 * `checkout.{json,md,svg}`.
 */
export async function runCheckoutBench(options: CheckoutBenchOptions): Promise<CheckoutBenchReport> {
  const shape = options.quick ? QUICK : FULL;
  const loadAverageAtStart = loadavg();
  const { statuses, endpoints } = await options.stack.up();
  const suffix = randomBytes(3).toString('hex');
  const certDir = mkdtempSync(join(tmpdir(), 'meshmart-bench-'));
  const jwtSecret = randomBytes(32).toString('base64url');
  options.log(`starting the platform (namespace bench-${suffix})`);
  // Every shopper of the bench calls from this one address: the gateway's limits would measure themselves.
  const env = { GATEWAY_RATE_LIMIT: '100000', GATEWAY_ADDRESS_RATE_LIMIT: '1000000' };
  // Its own databases and Kafka names: a demo on the same stack neither takes its events nor adds to its counts.
  const platform = await startPlatform({
    stack: endpoints,
    certDir,
    namespace: `bench-${suffix}`,
    databaseSuffix: `bench_${suffix}`,
    kafkaPrefix: `bench-${suffix}.`,
    jwtSecret,
    env,
  });
  const kafka = createKafka({ clientId: 'meshmart-bench', brokers: endpoints.kafka.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const databases = workloads.flatMap((w) => databaseOf(w, `bench_${suffix}`) ?? []);
  let database: DatabaseCounters | undefined;
  try {
    await admin.connect();
    database = await DatabaseCounters.open(endpoints.postgres.url, databases);
    const skus = await seed(platform.operator, platform.instancesOf('inventory-service')[0] as AppProcess, suffix);
    const signer = shopperTokenSigner({ secret: jwtSecret, keyFile: undefined, issuer: 'meshmart-demo', audience: 'meshmart' });
    const journey = (recorder: LoadRecorder) => ({
      api: new GatewayClient(platform.gateway.url, recorder),
      recorder,
      skus,
      token: (user: string) => signer.sign(user),
      declinedShare: 0,
      timeoutShare: 0,
      random: Math.random,
    });
    const groups = processGroups(platform.apps, statuses);
    const probes = {
      cpu: new CpuSampler(groups),
      database,
      kafkaRecords: () =>
        recordsWritten(
          admin,
          Object.values(topics).map((topic) => platform.kafkaPrefix + topic),
        ),
    };

    options.log(`warming up (${shape.warmupSeconds}s)`);
    await runCheckoutStep(2, shape.warmupSeconds, journey, probes, `warmup-${suffix}`);
    const steps: CheckoutStep[] = [];
    for (const shoppers of shape.ladder) {
      const step = await runCheckoutStep(shoppers, shape.stepSeconds, journey, probes, `s${shoppers}-${suffix}`);
      steps.push(step);
      options.log(
        `${String(shoppers).padStart(3)} shoppers: ${step.checkoutsPerSecond.toFixed(1)} checkouts/s, ${step.errors} errors, HTTP p99 ${step.http.p99Ms.toFixed(0)} ms, saga p50/p99 ${step.saga.p50Ms.toFixed(0)}/${step.saga.p99Ms.toFixed(0)} ms, ${step.cpuMsPerCheckoutTotal.toFixed(1)} ms CPU per checkout`,
      );
    }
    options.log(`database ceiling: pgbench simple-update for ${shape.pgbenchSeconds}s`);
    const pgbench = await measurePgbenchCeiling(endpoints.postgres.url, { clients: 4, seconds: shape.pgbenchSeconds });
    const knee = findKnee(steps) ?? null;
    const report: CheckoutBenchReport = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.versions.node, loadAverageAtStart },
      mode: options.quick ? 'quick' : 'full',
      steps,
      knee,
      pgbench,
      ratios: {
        kneeToPgbench: knee ? knee.checkoutsPerSecond / pgbench.tps : null,
        databaseShareAtKnee: knee ? (knee.checkoutsPerSecond * knee.postgresTransactionsPerCheckout) / pgbench.tps : null,
      },
      groups: groups.map((g) => g.name),
      statementsCounted: database.countsStatements,
    };
    const files = writeCheckoutReport(options.outDir ?? join(options.root, 'bench', 'results'), report);
    options.log(
      `knee: ${knee ? `${knee.checkoutsPerSecond.toFixed(1)} checkouts/s at ${knee.shoppers} shoppers` : 'none'}; pgbench ${pgbench.tps.toFixed(0)} TPS; wrote ${files.join(', ')}`,
    );
    return report;
  } finally {
    await database?.close();
    await admin.disconnect();
    await platform.stop();
    rmSync(certDir, { recursive: true, force: true });
  }
}

/** A product per price point with stock no ladder can exhaust, put in as the operator over mTLS. */
async function seed(
  operator: { send<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> },
  inventory: AppProcess,
  suffix: string,
): Promise<string[]> {
  const skus: string[] = [];
  for (let i = 1; i <= 4; i++) {
    const sku = `BENCH-${suffix.toUpperCase()}-${i}`;
    const response = await operator.send<Product>('PUT', `${inventory.url}/products/${sku}`, {
      name: `bench product ${i}`,
      price: { amountMinor: 500 * i, currency: 'EUR' },
      available: STOCK,
    });
    if (response.status !== 200) throw new Error(`seeding ${sku} failed: ${response.status} ${JSON.stringify(response.body)}`);
    skus.push(sku);
  }
  return skus;
}

/** Every process that spends CPU on a checkout: each workload's instances, the stack's components, and this process (the load generator). */
function processGroups(apps: readonly AppProcess[], statuses: readonly ComponentStatus[]): ProcessGroup[] {
  const byWorkload = workloads.map((workload) => {
    const instances = apps.filter((app) => app.name === workload);
    return {
      name: instances.length > 1 ? `${workload} ×${instances.length}` : workload,
      pids: () => instances.flatMap((app) => (app.process.pid ? [app.process.pid] : [])),
    };
  });
  const components = ['kafka', 'etcd', 'prometheus', 'prometheus-sd'].map((name) => ({
    name,
    pids: () => statuses.flatMap((s) => (s.name === name && s.pid ? [s.pid] : [])),
  }));
  return [...byWorkload, { name: 'postgres', pids: () => pidsNamed('postgres') }, ...components, { name: 'load generator', pids: () => [process.pid] }];
}

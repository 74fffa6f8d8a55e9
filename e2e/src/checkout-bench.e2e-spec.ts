import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workloads } from '@meshmart/contracts';
import { findWorkspaceRoot } from '@meshmart/platform';

interface Step {
  shoppers: number;
  confirmed: number;
  errors: number;
  checkoutsPerSecond: number;
  saga: { p50Ms: number; p99Ms: number };
  cpuMsPerCheckout: Record<string, number>;
  postgresTransactionsPerCheckout: number;
  kafkaRecordsPerCheckout: number;
}

const root = findWorkspaceRoot(__dirname);
const out = mkdtempSync(join(tmpdir(), 'meshmart-bench-checkout-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

// A smoke run of the real bench, as CI runs it: it proves the bench works end to end and
// reports what it must; the numbers of a quick run on a busy machine measure nothing.
describe('npm run bench -- checkout --quick', () => {
  it('climbs its ladder against the real platform and writes the JSON, Markdown and SVG reports', () => {
    const run = spawnSync(process.execPath, [join(root, 'tools/meshmart/bin/meshmart.cjs'), 'bench', 'checkout', '--quick', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^bench checkout: +1 shoppers: [\d.]+ checkouts\/s, 0 errors/m);

    const report = JSON.parse(readFileSync(join(out, 'checkout.json'), 'utf8')) as {
      mode: string;
      steps: Step[];
      pgbench: { tps: number };
      groups: string[];
      knee: Step | null;
    };
    expect(report.mode).toBe('quick');
    expect(report.steps.map((s) => s.shoppers)).toEqual([1, 4]);
    for (const step of report.steps) {
      expect(step.confirmed, `${step.shoppers} shoppers confirmed checkouts`).toBeGreaterThan(0);
      expect(step.errors).toBe(0);
      expect(step.saga.p50Ms).toBeGreaterThan(0);
      // Every process that works on a checkout is measured, and each of them did work.
      for (const workload of workloads) {
        const group = report.groups.find((g) => g === workload || g.startsWith(`${workload} ×`));
        expect(group, workload).toBeDefined();
        expect(step.cpuMsPerCheckout[group as string], workload).toBeGreaterThan(0);
      }
      expect(step.cpuMsPerCheckout['postgres']).toBeGreaterThan(0);
      expect(step.cpuMsPerCheckout['kafka']).toBeGreaterThan(0);
      // A checkout writes its order, saga steps, reservation and payment in several transactions, and announces them on Kafka.
      expect(step.postgresTransactionsPerCheckout).toBeGreaterThan(1);
      expect(step.kafkaRecordsPerCheckout).toBeGreaterThan(0);
    }
    expect(report.pgbench.tps).toBeGreaterThan(0);

    const markdown = readFileSync(join(out, 'checkout.md'), 'utf8');
    expect(markdown).toContain('| shoppers | checkouts/s | errors |');
    expect(markdown).toContain('quick mode');
    const svg = readFileSync(join(out, 'checkout.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(10);
  }, 300_000);
});

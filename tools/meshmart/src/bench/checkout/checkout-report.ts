import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkoutChartSvg } from './checkout-chart';
import type { CheckoutStep } from './checkout-step';
import type { PgbenchResult } from './pgbench-ceiling';

export interface CheckoutBenchReport {
  date: string;
  machine: { cpus: number; node: string; loadAverageAtStart: number[] };
  mode: 'full' | 'quick';
  steps: CheckoutStep[];
  knee: CheckoutStep | null;
  pgbench: PgbenchResult;
  ratios: {
    /** Knee checkouts/s over pgbench's simple-update TPS on the same server. */
    kneeToPgbench: number | null;
    /** Share of the server's simple-update capacity the knee's transactions would use. */
    databaseShareAtKnee: number | null;
  };
  groups: string[];
  statementsCounted: boolean;
}

const f1 = (n: number) => n.toFixed(1);
const f0 = (n: number) => n.toFixed(0);

function markdown(report: CheckoutBenchReport): string {
  const { steps, knee, pgbench } = report;
  const rows = steps.map(
    (s) =>
      `| ${s.shoppers} | ${f1(s.checkoutsPerSecond)} | ${s.errors} | ${f0(s.http.p50Ms)} / ${f0(s.http.p99Ms)} | ${f0(s.saga.p50Ms)} / ${f0(s.saga.p99Ms)} | ${f1(s.cpuMsPerCheckoutTotal)} | ${f1(s.postgresTransactionsPerCheckout)} | ${s.postgresStatementsPerCheckout === null ? 'n/a' : f1(s.postgresStatementsPerCheckout)} | ${f1(s.kafkaRecordsPerCheckout)} |`,
  );
  const cpuHeader = `| process | ${steps.map((s) => `${s.shoppers} shoppers`).join(' | ')} |`;
  const cpuRows = [...report.groups, 'total'].map(
    (g) => `| ${g} | ${steps.map((s) => f1(g === 'total' ? s.cpuMsPerCheckoutTotal : (s.cpuMsPerCheckout[g] ?? 0))).join(' | ')} |`,
  );
  return `# Checkout benchmark

${report.date}, ${report.machine.cpus} CPUs, Node ${report.machine.node}, load average at start ${report.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}; ${report.mode === 'quick' ? '**quick mode (a smoke run, not a measurement)**' : 'full ladder'}.

The whole platform as the demo runs it (gateway, cart, order, 2× inventory, 2× payment; Postgres,
Kafka, etcd, Prometheus scraping), a closed loop of shoppers per step, each checking out with a
card that pays and reading the order until it settles. Saga times come from the orders' own
timestamps (createdAt → updatedAt of the CONFIRMED order).

**Knee** (best checkouts/s with no error and saga p99 ≤ 1 s): ${knee ? `**${f1(knee.checkoutsPerSecond)} checkouts/s** at ${knee.shoppers} shoppers, ${f1(knee.cpuMsPerCheckoutTotal)} ms CPU per checkout` : '**none** (no step met both conditions)'}.
Database ceiling (pgbench simple-update, ${pgbench.clients} clients, ${pgbench.seconds} s, same server, same run): ${f0(pgbench.tps)} TPS${report.ratios.kneeToPgbench === null ? '' : `; knee = ×${report.ratios.kneeToPgbench.toFixed(3)} of it, its transactions use ${(100 * (report.ratios.databaseShareAtKnee ?? 0)).toFixed(0)} % of that capacity`}.

| shoppers | checkouts/s | errors | checkout HTTP p50 / p99 ms | saga p50 / p99 ms | CPU ms / checkout | PG xacts / checkout | PG statements / checkout | Kafka records / checkout |
|---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.join('\n')}

CPU ms per confirmed checkout, by process (from /proc, all instances of a workload together):

${cpuHeader}
|---|${steps.map(() => '---:').join('|')}|
${cpuRows.join('\n')}
${report.statementsCounted ? '' : '\nPostgres statements are counted only when the server preloads `pg_stat_statements` (`shared_preload_libraries`).\n'}
![checkout benchmark](checkout.svg)
`;
}

/** Writes `checkout.json`, `checkout.md` and `checkout.svg` into `dir`. */
export function writeCheckoutReport(dir: string, report: CheckoutBenchReport): string[] {
  mkdirSync(dir, { recursive: true });
  const files = { json: join(dir, 'checkout.json'), md: join(dir, 'checkout.md'), svg: join(dir, 'checkout.svg') };
  writeFileSync(files.json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(files.md, markdown(report));
  writeFileSync(files.svg, checkoutChartSvg(report.steps, report.groups));
  return Object.values(files);
}

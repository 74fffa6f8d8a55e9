import { CpuSampler } from '../process-cpu';
import { runClosedLoop } from '../../load/load-loop';
import { LoadRecorder } from '../../load/load-recorder';
import { checkout, type JourneyContext } from '../../load/journeys';
import type { DatabaseCounters } from './database-counters';

/** What one rung of the concurrency ladder measured. */
export interface CheckoutStep {
  shoppers: number;
  seconds: number;
  /** Checkouts that ended CONFIRMED, per second of the step. */
  checkoutsPerSecond: number;
  confirmed: number;
  /** Requests that failed, and checkouts that ended other than CONFIRMED (none are expected: every card pays). */
  errors: number;
  outcomes: Record<string, number>;
  http: { p50Ms: number; p99Ms: number };
  /** Checkout → CONFIRMED, from each order's own timestamps. */
  saga: { p50Ms: number; p99Ms: number };
  /** CPU ms per confirmed checkout, by process group (each app instance, postgres, kafka, …). */
  cpuMsPerCheckout: Record<string, number>;
  cpuMsPerCheckoutTotal: number;
  postgresTransactionsPerCheckout: number;
  postgresStatementsPerCheckout: number | null;
  kafkaRecordsPerCheckout: number;
}

export interface StepProbes {
  cpu: CpuSampler;
  database: DatabaseCounters;
  kafkaRecords(): Promise<number>;
}

/**
 * One rung: `shoppers` shoppers in a closed loop, each checking out (a line, `POST
 * /cart/checkout` with a card that pays, the order read until it settles) for `seconds`, with
 * every process's CPU, Postgres's transactions and Kafka's records counted around it.
 */
export async function runCheckoutStep(
  shoppers: number,
  seconds: number,
  journey: (recorder: LoadRecorder) => JourneyContext,
  probes: StepProbes,
  userPrefix: string,
): Promise<CheckoutStep> {
  const recorder = new LoadRecorder();
  const ctx = journey(recorder);
  const cpuBefore = probes.cpu.sample();
  const dbBefore = await probes.database.read();
  const kafkaBefore = await probes.kafkaRecords();
  const started = performance.now();
  await runClosedLoop(shoppers, { durationMs: seconds * 1000, count: undefined }, recorder, (n) => checkout(ctx, `${userPrefix}-${n}`));
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = CpuSampler.delta(cpuBefore, probes.cpu.sample());
  const kafkaAfter = await probes.kafkaRecords();
  const dbAfter = await probes.database.read();

  const summary = recorder.summary(false);
  const confirmed = summary.checkoutOutcomes['CONFIRMED'] ?? 0;
  const unconfirmed = Object.entries(summary.checkoutOutcomes)
    .filter(([outcome]) => outcome !== 'CONFIRMED')
    .reduce((sum, [, n]) => sum + n, 0);
  const per = (n: number) => (confirmed > 0 ? n / confirmed : 0);
  const cpuMsPerCheckout = Object.fromEntries(Object.entries(cpu).map(([name, ms]) => [name, per(ms)]));
  const checkoutHttp = summary.operations['POST /cart/checkout'];
  return {
    shoppers,
    seconds: elapsedS,
    checkoutsPerSecond: confirmed / elapsedS,
    confirmed,
    errors: summary.errors + unconfirmed,
    outcomes: summary.checkoutOutcomes,
    http: { p50Ms: checkoutHttp?.p50Ms ?? 0, p99Ms: checkoutHttp?.p99Ms ?? 0 },
    saga: summary.settle,
    cpuMsPerCheckout,
    cpuMsPerCheckoutTotal: Object.values(cpuMsPerCheckout).reduce((a, b) => a + b, 0),
    postgresTransactionsPerCheckout: per(dbAfter.transactions - dbBefore.transactions),
    postgresStatementsPerCheckout: dbAfter.statements === null || dbBefore.statements === null ? null : per(dbAfter.statements - dbBefore.statements),
    kafkaRecordsPerCheckout: per(kafkaAfter - kafkaBefore),
  };
}

/** The knee: the best throughput among the steps with no error and a saga p99 within `sagaP99LimitMs`. */
export function findKnee(steps: readonly CheckoutStep[], sagaP99LimitMs = 1_000): CheckoutStep | undefined {
  return steps
    .filter((step) => step.errors === 0 && step.confirmed > 0 && step.saga.p99Ms <= sagaP99LimitMs)
    .reduce<CheckoutStep | undefined>((best, step) => (!best || step.checkoutsPerSecond > best.checkoutsPerSecond ? step : best), undefined);
}

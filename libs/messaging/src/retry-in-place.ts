import { setTimeout as sleep } from 'node:timers/promises';
import { classifyFailure, jitteredBackoffMs, serviceCounter, serviceGauge } from '@meshmart/mesh';

/** What became of one message: applied, or poison for the dead-letter topic. */
export type Settled = { kind: 'handled' } | { kind: 'poison'; error: unknown };

/** One report about a message that keeps failing transiently; at most one per window per partition. */
export interface RetryingReport {
  topic: string;
  partition: number;
  offset: string;
  /** Failed tries so far. */
  failures: number;
  /** Since when the message has been failing. */
  since: Date;
  error: unknown;
}

export interface RetryInPlaceOptions {
  groupId: string;
  topic: string;
  partition: number;
  offset: string;
  /** kafkajs's `pause` of this message's partition (from eachMessage); returns the resume. */
  pause: () => () => void;
  /** kafkajs's `heartbeat` (from eachMessage): keeps the member in its group while it waits. */
  heartbeat: () => Promise<void>;
  /** True once the consumer is stopping: the message is left uncommitted for the next owner. */
  stopping: () => boolean;
  backoff: { initialMs: number; maxMs: number };
  /** Told once per `reportEveryMs` while the message keeps failing, and once when it goes through. */
  onRetrying: (report: RetryingReport) => void;
  onRecovered: (report: RetryingReport) => void;
  reportEveryMs: number;
}

/** No wait between heartbeats is longer: a stop is noticed, and the session kept, within this. */
const WAIT_SLICE_MS = 1_000;

const retryingPartitions = () =>
  serviceGauge({
    name: 'meshmart_kafka_consumer_retrying_partitions',
    help: 'Partitions a consumer group holds paused while it retries a message that failed transiently (database, broker or upstream away).',
    labelNames: ['consumergroup', 'topic'],
  });
const transientFailures = () =>
  serviceCounter({
    name: 'meshmart_kafka_consumer_transient_failures_total',
    help: 'Tries of a consumed message that failed transiently and will be tried again (never dead-lettered).',
    labelNames: ['consumergroup', 'topic'],
  });

/** Makes the retry series exist at 0 from the start, so dashboards see "none" rather than nothing. */
export function initRetryMetrics(groupId: string, topic: string): void {
  retryingPartitions().inc({ consumergroup: groupId, topic }, 0);
  transientFailures().inc({ consumergroup: groupId, topic }, 0);
}

/**
 * Applies a message until it succeeds or proves poison. A transient failure pauses the
 * message's partition and tries again after a jittered back-off (200 ms doubling to 5 s by
 * default), for as long as it takes: an outage delays events, it never dead-letters them.
 * While waiting the member heartbeats, so the group keeps its partitions; a stop ends the wait
 * by rethrowing, so the offset is not committed and the message comes back after the restart.
 * Offsets after the failing message are not processed meanwhile: per-partition order holds.
 */
export async function retryInPlace(apply: () => Promise<void>, options: RetryInPlaceOptions): Promise<Settled> {
  const labels = { consumergroup: options.groupId, topic: options.topic };
  let failures = 0;
  let resume: (() => void) | undefined;
  let report: RetryingReport | undefined;
  let reportedAt = 0;
  try {
    for (;;) {
      try {
        await apply();
        if (report) options.onRecovered({ ...report, failures });
        return { kind: 'handled' };
      } catch (error) {
        if (options.stopping()) throw error;
        if (classifyFailure(error) === 'poison') return { kind: 'poison', error };
        failures += 1;
        transientFailures().inc(labels);
        if (!resume) {
          resume = options.pause();
          retryingPartitions().inc(labels);
        }
        report = { topic: options.topic, partition: options.partition, offset: options.offset, failures, since: report?.since ?? new Date(), error };
        if (Date.now() - reportedAt >= options.reportEveryMs) {
          reportedAt = Date.now();
          options.onRetrying(report);
        }
        await waitWithHeartbeats(jitteredBackoffMs(failures, options.backoff), options, error);
      }
    }
  } finally {
    if (resume) {
      resume();
      retryingPartitions().dec(labels);
    }
  }
}

async function waitWithHeartbeats(ms: number, options: RetryInPlaceOptions, lastError: unknown): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0; left = until - Date.now()) {
    await sleep(Math.min(left, WAIT_SLICE_MS));
    if (options.stopping()) throw lastError;
    // kafkajs sends at most one per heartbeat interval; a rebalance error ends the wait so the group can move on.
    await options.heartbeat();
  }
}

import { describeWaiting, retryUntilDone, type StartUpConditions } from '@meshmart/mesh';
import type { Kafka } from 'kafkajs';
import { type EventConsumerOptions, type RunningConsumer, startEventConsumer } from './event-consumer';
import { kafkaReachable } from './kafka-client';

export interface BackgroundConsumerOptions extends Omit<EventConsumerOptions, 'membership'> {
  /** Where the consumer says it is not there yet: from start until it first joins its group. */
  startUp: Pick<StartUpConditions, 'hold' | 'release'>;
  /** Connects only once this resolves (the service's database, which the handler writes to). */
  after?: Promise<unknown>;
  /** One line when Kafka is unreachable (per window, not per try), one when the consumer joins. */
  log: { warn(line: string): void; log(line: string): void };
  /**
   * A quiet client without retries (see `createKafkaProbe`), tried first at each attempt, so an
   * unreachable Kafka costs one log line per window instead of kafkajs's error per retry.
   */
  probe?: Kafka;
}

/** A consumer started in the background; `stop` leaves the group (or abandons the start). */
export interface BackgroundConsumer {
  stop(): Promise<void>;
}

/**
 * Starts an event consumer without holding up the service's start: the instance serves HTTP
 * at once while the consumer waits for `after`, connects (retrying with back-off while Kafka
 * is unreachable) and joins its group. Until its first join, readiness shows
 * `kafka consumer <group>` with what it is doing; a later rebalance does not make the instance
 * unready (kafkajs rejoins by itself), but a crash kafkajs gives up on does, for good.
 * @example const consumer = startEventConsumerInBackground({ kafka, groupId, topics, handle, startUp: runtime.startUp, after: db, log });
 */
export function startEventConsumerInBackground(options: BackgroundConsumerOptions): BackgroundConsumer {
  const { startUp, log, after, probe, ...consumerOptions } = options;
  const key = `kafka consumer ${options.groupId}`;
  const topics = options.topics.join(', ');
  const aborted = new AbortController();
  let joined = false;
  startUp.hold(key, after ? 'waiting for the database' : `joining ${topics}`);
  const membership = {
    onJoined: ({ durationMs }: { durationMs: number }) => {
      if (joined) return;
      joined = true;
      startUp.release(key);
      log.log(`${key} joined its group on ${topics} (join took ${(durationMs / 1000).toFixed(1)}s)`);
    },
    onCrashed: (error: Error, restarting: boolean) => {
      if (!restarting) startUp.hold(key, `stopped by an error kafkajs does not recover from: ${error.message}`);
    },
  };
  const running: Promise<RunningConsumer | undefined> = (async () => {
    if (after && !(await untilAborted(after, aborted.signal))) return undefined;
    startUp.hold(key, `joining ${topics}`);
    return retryUntilDone(
      async () => {
        if (probe) await kafkaReachable(probe);
        return startEventConsumer({ ...consumerOptions, membership });
      },
      {
        signal: aborted.signal,
        onWaiting: (report) => {
          const reason = `kafka ${describeWaiting(report)}`;
          startUp.hold(key, reason);
          log.warn(`${key}: ${reason}; next try in ${(report.nextDelayMs / 1000).toFixed(1)}s`);
        },
      },
    );
  })().catch(() => undefined);
  return {
    async stop() {
      aborted.abort();
      const consumer = await running;
      await consumer?.stop();
    },
  };
}

/** Resolves true when `promise` does, false as soon as `signal` aborts. */
function untilAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve, reject) => {
    signal.addEventListener('abort', () => resolve(false), { once: true });
    promise.then(() => resolve(true), reject);
  });
}

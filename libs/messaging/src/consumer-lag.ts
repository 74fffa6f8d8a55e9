import type { Admin, Kafka } from 'kafkajs';
import { serviceGauge } from '@meshmart/mesh';

/**
 * `kafka_consumergroup_lag`, with kafka_exporter's name and labels so dashboards and alerts
 * work with either: per partition, the messages a consumer group has not committed yet (the
 * whole partition when the group has committed nothing). Read from the broker, not from the
 * consumer's own fetches, so a stuck consumer still shows a growing lag.
 */
const lagGauge = () =>
  serviceGauge({
    name: 'kafka_consumergroup_lag',
    help: 'Messages of a partition not yet committed by the consumer group (as kafka_exporter reports it).',
    labelNames: ['consumergroup', 'topic', 'partition'],
  });

export interface PartitionLag {
  topic: string;
  partition: number;
  lag: number;
}

/** Reads the lag of `groupId` on `topics` from the broker, per topic in partition order. */
export async function readConsumerLag(admin: Admin, groupId: string, topics: readonly string[]): Promise<PartitionLag[]> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    const done = new Map(committed.find((entry) => entry.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]) ?? []);
    for (const { partition, high, low } of [...ends].sort((a, b) => a.partition - b.partition)) {
      const offset = done.get(partition) ?? -1;
      const from = offset < 0 ? Number(low) : offset;
      lags.push({ topic, partition, lag: Math.max(0, Number(high) - from) });
    }
  }
  return lags;
}

/**
 * Publishes the lag of `groupId` now and every `intervalMs` until stopped. A failed read keeps
 * the last values and is reported to `onError`; the next round tries again.
 */
export function monitorConsumerLag(
  kafka: Kafka,
  groupId: string,
  topics: readonly string[],
  { intervalMs, onError }: { intervalMs: number; onError: (error: unknown) => void },
): { stop(): Promise<void> } {
  const gauge = lagGauge();
  const admin = kafka.admin();
  let round: Promise<void> = Promise.resolve();
  let connected = false;
  const update = async () => {
    try {
      if (!connected) {
        await admin.connect();
        connected = true;
      }
      for (const { topic, partition, lag } of await readConsumerLag(admin, groupId, topics)) {
        gauge.set({ consumergroup: groupId, topic, partition: String(partition) }, lag);
      }
    } catch (error) {
      onError(error);
    }
  };
  round = update();
  const timer = setInterval(() => {
    round = round.then(update);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await round;
      if (connected) await admin.disconnect();
    },
  };
}

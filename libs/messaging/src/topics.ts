import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  numPartitions?: number;
}

/** Errors a KRaft broker answers while a topic it just created is still reaching its metadata. */
const STILL_PROPAGATING = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION']);

/**
 * Creates the topics that do not exist and resolves once every partition has a leader that serves it.
 *
 * kafkajs's own `waitForLeaders` gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker
 * answers for a moment after CreateTopics returns; this waits that moment out instead.
 * @example await ensureTopics(kafka, [{ topic: 'orders.v1', numPartitions: 3 }])
 */
export async function ensureTopics(kafka: Kafka, topics: readonly TopicSpec[], timeoutMs = 30_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // Only the missing ones: the broker answers TOPIC_ALREADY_EXISTS for the others, which kafkajs logs as an error.
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0)
      await admin.createTopics({ topics: missing.map((t) => ({ topic: t.topic, numPartitions: t.numPartitions ?? 1 })), waitForLeaders: false });
    const names = topics.map((t) => t.topic);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
        const ready = metadata.length === names.length && metadata.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0));
        // The metadata can name a leader a moment before that broker serves the partition: only
        // a leader that answers for its offsets makes the topic ready for use.
        if (ready) {
          for (const name of names) await admin.fetchTopicOffsets(name);
          return;
        }
      } catch (error) {
        if (!STILL_PROPAGATING.has((error as { type?: string }).type ?? '')) throw error;
      }
      if (Date.now() > deadline) throw new Error(`topics ${names.join(', ')} have no leader after ${timeoutMs / 1000}s`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}

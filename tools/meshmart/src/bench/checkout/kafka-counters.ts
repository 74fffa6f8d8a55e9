import type { Admin } from 'kafkajs';

/**
 * Records written to some topics so far: the sum of every partition's high watermark. The
 * bench's difference across a step is the records a checkout costs Kafka (events and their
 * dead letters, if any).
 */
export async function recordsWritten(admin: Admin, topics: readonly string[]): Promise<number> {
  let total = 0;
  for (const topic of topics) {
    const offsets = await admin.fetchTopicOffsets(topic);
    total += offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  }
  return total;
}

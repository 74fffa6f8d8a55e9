import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterTopic } from '@meshmart/contracts';
import { deadLetterHeader, headersAsText } from '@meshmart/messaging';

/** One message parked on `<topic>.dlq`, as `meshmart dlq` shows it. */
export interface ParkedMessage {
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** When Kafka stored it on the dead-letter topic. */
  timestamp: Date;
  /** When it was re-driven to the original topic; undefined if never. */
  replayedAt?: Date;
}

/**
 * The dead-letter topic read as a log: the parked messages, and the replay markers that
 * `meshmart dlq replay` writes after re-driving one (header `dlq-replay-of: <offset>`), so a
 * second replay leaves an already re-driven message alone. A dead-letter topic has one
 * partition (the consumer creates it so), so an offset names one message.
 */
export async function readDeadLetters(kafka: Kafka, topic: string): Promise<ParkedMessage[]> {
  const dlq = deadLetterTopic(topic);
  const admin = kafka.admin();
  await admin.connect();
  let ends: Map<number, bigint>;
  try {
    if (!(await admin.listTopics()).includes(dlq))
      throw new DeadLetterTopicMissing(`there is no topic ${dlq}: nothing of ${topic} was ever parked (or the name is wrong)`);
    const offsets = await admin.fetchTopicOffsets(dlq);
    ends = new Map(offsets.filter((o) => BigInt(o.high) > BigInt(o.low)).map((o) => [o.partition, BigInt(o.high)]));
  } finally {
    await admin.disconnect();
  }
  const messages = ends.size === 0 ? [] : await readUpTo(kafka, dlq, ends);
  const replays = new Map<string, Date>();
  const parked: ParkedMessage[] = [];
  for (const message of messages) {
    const headers = headersAsText(message.headers);
    const replayOf = headers[deadLetterHeader.replayOf];
    if (replayOf !== undefined) replays.set(replayOf, new Date(Number(message.timestamp)));
    else
      parked.push({
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers,
        timestamp: new Date(Number(message.timestamp)),
      });
  }
  for (const message of parked) {
    const replayedAt = replays.get(message.offset);
    if (replayedAt) message.replayedAt = replayedAt;
  }
  return parked;
}

/** The dead-letter topic of the named topic does not exist. */
export class DeadLetterTopicMissing extends Error {
  override readonly name = 'DeadLetterTopicMissing';
}

/** Reading a dead-letter topic to its end takes longer than this only if the broker is in trouble. */
const READ_TIMEOUT_MS = 60_000;

/** Every message of `topic` below `ends` (per partition), read by a throwaway group that is deleted after. */
async function readUpTo(kafka: Kafka, topic: string, ends: Map<number, bigint>): Promise<KafkaMessage[]> {
  const groupId = `meshmart-dlq-reader-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  const messages: KafkaMessage[] = [];
  const remaining = new Set(ends.keys());
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      setTimeout(() => reject(new Error(`could not read ${topic} to its end within ${READ_TIMEOUT_MS / 1000}s`)), READ_TIMEOUT_MS).unref();
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition);
            if (end === undefined || BigInt(message.offset) >= end) return;
            messages.push(message);
            if (BigInt(message.offset) + 1n >= end) {
              remaining.delete(partition);
              if (remaining.size === 0) resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }
  return messages.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
}

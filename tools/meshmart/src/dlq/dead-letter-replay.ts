import type { IHeaders, Kafka } from 'kafkajs';
import { deadLetterTopic } from '@meshmart/contracts';
import { deadLetterHeader, outboxProducerConfig } from '@meshmart/messaging';
import type { ParkedMessage } from './dead-letter-log';

export interface ReplayResult {
  replayed: ParkedMessage[];
  /** Replayed before (a marker says so): left alone. */
  skipped: ParkedMessage[];
}

/**
 * Re-drives parked messages to the topic they came from (key, value and their own headers,
 * without the `dlq-*` ones, plus `dlq-replayed-from`), one at a time in offset order, then
 * records each on the dead-letter topic with a marker (`dlq-replay-of: <offset>`), so a second
 * replay skips it. At least once: a crash between the two sends re-drives that message again
 * next time, which the consumers' inbox deduplicates, as it does any redelivery.
 */
export async function replayDeadLetters(kafka: Kafka, topic: string, messages: readonly ParkedMessage[]): Promise<ReplayResult> {
  const result: ReplayResult = { replayed: [], skipped: [] };
  const producer = kafka.producer(outboxProducerConfig());
  await producer.connect();
  try {
    for (const message of [...messages].sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1))) {
      if (message.replayedAt) {
        result.skipped.push(message);
        continue;
      }
      const target = message.headers[deadLetterHeader.sourceTopic] ?? topic;
      await producer.send({ topic: target, acks: -1, messages: [{ key: message.key, value: message.value, headers: originalHeaders(message, topic) }] });
      await producer.send({
        topic: deadLetterTopic(topic),
        acks: -1,
        messages: [{ key: message.key, value: null, headers: { [deadLetterHeader.replayOf]: message.offset } }],
      });
      message.replayedAt = new Date();
      result.replayed.push(message);
    }
  } finally {
    await producer.disconnect();
  }
  return result;
}

function originalHeaders(message: ParkedMessage, topic: string): IHeaders {
  const headers: IHeaders = Object.fromEntries(Object.entries(message.headers).filter(([name]) => !name.startsWith('dlq-')));
  headers[deadLetterHeader.replayedFrom] = `${deadLetterTopic(topic)}/0/${message.offset}`;
  return headers;
}

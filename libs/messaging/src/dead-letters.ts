import type { IHeaders, KafkaMessage } from 'kafkajs';
import { failureCode } from '@meshmart/mesh';

/**
 * Why a message was parked on its dead-letter topic. Each is poison, never an outage:
 * - `invalid_envelope`: not JSON, or not an event envelope;
 * - `invalid_payload`: a known event type whose data does not match its schema;
 * - `not_retryable`: the handler failed with an error `classifyFailure` calls poison (a
 *   refusal marked `retryable: false`, a constraint violation, or an error nobody recognises).
 */
export type DeadLetterReason = 'invalid_envelope' | 'invalid_payload' | 'not_retryable';
export const deadLetterReasons: readonly DeadLetterReason[] = ['invalid_envelope', 'invalid_payload', 'not_retryable'];

/** The headers a parked message carries beside its own; `meshmart dlq` reads them. */
export const deadLetterHeader = {
  reason: 'dlq-reason',
  /** A stable code: the error's `code` (MeshError code, SQLSTATE, errno) or its class name. */
  errorCode: 'dlq-error-code',
  /** `Name: message`, cut to 500 characters. */
  error: 'dlq-error',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  parkedAt: 'dlq-parked-at',
  /** On a replay marker (never on a parked message): the dead-letter offset that was re-driven. */
  replayOf: 'dlq-replay-of',
  /** On a re-driven message: where on the dead-letter topic it came from. */
  replayedFrom: 'dlq-replayed-from',
} as const;

/** Where a message was consumed from, and by whom. */
export interface MessageSource {
  topic: string;
  partition: number;
  message: KafkaMessage;
  groupId: string;
}

/** The message's own headers, and what says why, when and from where it was parked. */
export function deadLetterHeaders(source: MessageSource, reason: DeadLetterReason, error: unknown, now: Date = new Date()): IHeaders {
  return {
    ...source.message.headers,
    [deadLetterHeader.reason]: reason,
    [deadLetterHeader.errorCode]: failureCode(error),
    [deadLetterHeader.error]: errorText(error),
    [deadLetterHeader.sourceTopic]: source.topic,
    [deadLetterHeader.sourcePartition]: String(source.partition),
    [deadLetterHeader.sourceOffset]: source.message.offset,
    [deadLetterHeader.consumerGroup]: source.groupId,
    [deadLetterHeader.parkedAt]: now.toISOString(),
  };
}

/** Kafka headers as text (kafkajs hands them over as Buffers, possibly repeated). */
export function headersAsText(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    text[name] = values.map((each) => each.toString()).join(', ');
  }
  return text;
}

export function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}

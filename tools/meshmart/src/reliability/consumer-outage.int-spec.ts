import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, logLevel, type Producer } from 'kafkajs';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic } from '@meshmart/contracts';
import { createKafka, deadLetterHeader, outboxProducerConfig, type RetryingReport, type RunningConsumer, startEventConsumer } from '@meshmart/messaging';
import { failureCode } from '@meshmart/mesh';
import { claimMessage, openDataSource } from '@meshmart/persistence';
import { findWorkspaceRoot } from '@meshmart/platform';
import { eventually, useStack } from '@meshmart/testing';
import { readDeadLetters } from '../dlq/dead-letter-log';
import { PostgresComponent } from '../stack/postgres';

/**
 * The consumer's promise under a real outage: a private Postgres (its own embedded server on a
 * free port, so the shared one is never touched) is stopped for 20 s while events keep coming
 * on a real topic of the shared broker. Nothing may reach the dead-letter topic, and every
 * event must be applied exactly once after Postgres is back. A poison message, by contrast,
 * is parked at once.
 */
const OUTAGE_MS = 20_000;

class CreateAppliedEvents1795990000000 implements MigrationInterface {
  name = 'CreateAppliedEvents1795990000000';
  async up(runner: QueryRunner): Promise<void> {
    // No unique constraint on purpose: only the inbox stands between a redelivery and a second row.
    await runner.query('CREATE TABLE applied_events (event_id uuid NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE applied_events');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const envelope = (type: string, data: unknown = {}) => ({
  id: randomUUID(),
  type,
  version: 1,
  occurredAt: new Date().toISOString(),
  aggregateId: randomUUID(),
  data,
});

describe('an event consumer through a Postgres outage (private Postgres, real broker)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-outage-'));
  // As root the embedded Postgres runs as the `postgres` user, who must be able to enter the folder.
  chmodSync(stateDir, 0o755);
  const topic = `meshmart.test.outage.${randomUUID()}`;
  const groupId = `outage-${randomUUID()}`;
  let postgres: PostgresComponent;
  let db: DataSource;
  let kafka: Kafka;
  let producer: Producer;
  let consumer: RunningConsumer;
  const reports: { report: RetryingReport; recovered: boolean }[] = [];
  const failedTries: string[] = [];
  /** What the consumer parked, with the error that made it poison. */
  const parked: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    // DATABASE_URL at a closed port: the component starts its embedded server, as the stack does without one.
    const settings = {
      workspaceRoot: findWorkspaceRoot(__dirname),
      stateDir,
      ports: { kafka: 0, kafkaController: 0, etcd: 0, etcdPeer: 0, prometheus: 0, embeddedPostgres: port },
      postgresServerUrl: 'postgres://postgres@127.0.0.1:1/postgres',
    };
    postgres = new PostgresComponent({ settings, progress: () => undefined });
    const { endpoint, state } = await postgres.up();
    expect(state).toBe('running');
    db = await openDataSource({ url: endpoint, database: 'meshmart_outage_test', entities: [], migrations: [CreateAppliedEvents1795990000000], poolSize: 4 });
    kafka = createKafka({ clientId: 'outage-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    consumer = await startEventConsumer({
      kafka,
      groupId,
      topics: [topic],
      initialBackoffMs: 100,
      maxBackoffMs: 1_000,
      retryReportEveryMs: 2_000,
      onRetrying: (report, recovered) => reports.push({ report, recovered }),
      onDeadLetter: (_topic, reason, error) => parked.push(`${reason}: ${String(error)} ${JSON.stringify(error)}`),
      handle: async ({ envelope: event }) => {
        if (event.type === 'Refused') throw Object.assign(new Error('this order cannot be applied'), { retryable: false });
        try {
          await db.transaction(async (tx) => {
            if (!(await claimMessage(tx, 'outage-spec', event.id))) return;
            await tx.query('INSERT INTO applied_events (event_id) VALUES ($1)', [event.id]);
          });
        } catch (error) {
          failedTries.push(failureCode(error));
          throw error;
        }
      },
    });
  }, 120_000);

  afterAll(async () => {
    await consumer?.stop();
    await producer?.disconnect();
    await db?.destroy().catch(() => undefined);
    await postgres?.down();
    rmSync(stateDir, { recursive: true, force: true });
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  }, 60_000);

  const appliedCount = async () => {
    const [counts] = (await db.query('SELECT count(*)::int AS n, count(DISTINCT event_id)::int AS distinct_n FROM applied_events')) as {
      n: number;
      distinct_n: number;
    }[];
    return counts;
  };

  it('Postgres stopped for 20 s under traffic: 0 dead letters, every event applied exactly once after', async () => {
    const sent: string[] = [];
    let producing = true;
    // A steady stream: 5 events every 200 ms, before, during and after the outage.
    const traffic = (async () => {
      while (producing) {
        const events = Array.from({ length: 5 }, () => envelope('Counted'));
        await producer.send({ topic, messages: events.map((event) => ({ key: event.aggregateId, value: JSON.stringify(event) })) });
        sent.push(...events.map((event) => event.id));
        await sleep(200);
      }
    })();

    await eventually(async () => expect((await appliedCount())?.n).toBeGreaterThanOrEqual(20), 30_000);
    const stoppedAt = Date.now();
    await postgres.down();
    // The consumer notices and holds its partitions, retrying; it reports, and parks nothing.
    await eventually(() => expect(reports.some((r) => !r.recovered)).toBe(true), 15_000);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    expect(sent.length).toBeGreaterThan(100);
    await postgres.up();
    await sleep(2_000); // traffic keeps flowing after the restart too
    producing = false;
    await traffic;

    // Each event ends applied or parked; none may be parked (the headers say why if one was).
    await eventually(async () => expect(((await appliedCount())?.n ?? 0) + parked.length).toBeGreaterThanOrEqual(sent.length), 60_000);
    expect(parked).toEqual([]);
    expect(await readDeadLetters(kafka, topic)).toEqual([]);
    await eventually(async () => expect(await appliedCount()).toEqual({ n: sent.length, distinct_n: sent.length }), 10_000);
    const applied = (await db.query('SELECT event_id FROM applied_events')) as { event_id: string }[];
    expect(new Set(applied.map((row) => row.event_id))).toEqual(new Set(sent));
    // It really was retried through the outage: connection failures, never parked; and every partition went back to work.
    expect(failedTries.length).toBeGreaterThan(0);
    expect(reports.some((r) => r.recovered)).toBe(true);
    expect(await consumer.consumer.paused()).toEqual([]);
    console.info(`outage: ${sent.length} events, ${failedTries.length} failed tries (${[...new Set(failedTries)].join(', ')}), 0 dead letters`);
  }, 150_000);

  it('a poison message goes to the dead-letter topic at once, with headers saying why and from where', async () => {
    const reportsBefore = reports.length;
    const badPayload = envelope('OrderPlaced', { orderId: 'not-a-uuid' });
    const refused = envelope('Refused');
    const sentAt = Date.now();
    await producer.send({
      topic,
      messages: [
        { key: 'bad', value: JSON.stringify(badPayload) },
        { key: 'refused', value: JSON.stringify(refused) },
        { key: 'garbage', value: 'not json' },
      ],
    });

    let parked: Awaited<ReturnType<typeof readDeadLetters>> = [];
    await eventually(async () => {
      parked = await readDeadLetters(kafka, topic);
      expect(parked).toHaveLength(3);
    }, 20_000);
    const byKey = Object.fromEntries(parked.map((message) => [message.key, message.headers]));
    expect(byKey['bad']).toMatchObject({
      [deadLetterHeader.reason]: 'invalid_payload',
      [deadLetterHeader.errorCode]: 'ZodError',
      [deadLetterHeader.sourceTopic]: topic,
      [deadLetterHeader.consumerGroup]: groupId,
    });
    expect(byKey['refused']).toMatchObject({
      [deadLetterHeader.reason]: 'not_retryable',
      [deadLetterHeader.errorCode]: 'Error',
      [deadLetterHeader.error]: 'Error: this order cannot be applied',
    });
    expect(byKey['garbage']).toMatchObject({ [deadLetterHeader.reason]: 'invalid_envelope' });
    for (const headers of Object.values(byKey) as Record<string, string>[]) {
      expect(headers[deadLetterHeader.sourcePartition]).toMatch(/^[0-2]$/);
      expect(headers[deadLetterHeader.sourceOffset]).toMatch(/^\d+$/);
      expect(Date.parse(headers[deadLetterHeader.parkedAt] ?? '') - sentAt).toBeLessThan(10_000);
    }
    // At once: not one retry was spent on them (a first transient failure is always reported).
    expect(reports.length).toBe(reportsBefore);
  }, 60_000);
});

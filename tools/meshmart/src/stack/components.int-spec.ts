import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Etcd3 } from 'etcd3';
import { logLevel } from 'kafkajs';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics } from '@meshmart/messaging';
import { databaseUrl, type StackEndpoints } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { serviceDatabases } from './postgres';

let stack: StackEndpoints;

beforeAll(async () => {
  stack = await useStack();
});

describe('Postgres', () => {
  it.each(serviceDatabases)('answers a query in %s', async (database) => {
    const client = new Client({ connectionString: databaseUrl(stack, database) });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; answer: number }>('SELECT current_database() AS db, 6 * 7 AS answer');
      expect(rows).toEqual([{ db: database, answer: 42 }]);
    } finally {
      await client.end();
    }
  });
});

describe('Kafka', () => {
  it('creates a topic, produces and consumes through kafkajs', async () => {
    const kafka = createKafka({ clientId: 'stack-int-spec', brokers: stack.kafka.brokers, logLevel: logLevel.NOTHING });
    const topic = `meshmart.test.round-trip.${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `stack-int-spec-${randomUUID()}` });
    try {
      await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
      await admin.connect();
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(metadata?.partitions).toHaveLength(2);

      const sent = ['one', 'two', 'three'].map((value) => ({ key: 'order-1', value }));
      await producer.connect();
      await producer.send({ topic, messages: sent });

      const received: string[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value?.toString() ?? '') });
      const deadline = Date.now() + 30_000;
      while (received.length < sent.length && Date.now() < deadline) await sleep(100);
      // One key, one partition: Kafka keeps the order of an aggregate's events.
      expect(received).toEqual(['one', 'two', 'three']);
    } finally {
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('refuses to produce to a topic nobody created', async () => {
    const kafka = createKafka({ clientId: 'stack-int-spec', brokers: stack.kafka.brokers, logLevel: logLevel.NOTHING, retries: 0 });
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      await expect(producer.send({ topic: `meshmart.test.missing.${randomUUID()}`, messages: [{ value: 'x' }] })).rejects.toThrow(
        /does not host this topic-partition|unknown topic/i,
      );
    } finally {
      await producer.disconnect();
    }
  });
});

describe('etcd', () => {
  it('deletes a key when its lease expires', async () => {
    const client = new Etcd3({ hosts: stack.etcd.endpoints });
    const key = `meshmart/test/lease/${randomUUID()}`;
    try {
      const lease = client.lease(2, { autoKeepAlive: false });
      await lease.put(key).value('instance-1');
      const granted = Date.now();
      expect(await client.get(key).string()).toBe('instance-1');

      let gone = false;
      while (!gone && Date.now() - granted < 15_000) {
        await sleep(250);
        gone = (await client.get(key).string()) === null;
      }
      const lifetime = Date.now() - granted;
      expect(gone).toBe(true);
      // Not before the TTL: expiry is the lease's doing, not a delete.
      expect(lifetime).toBeGreaterThanOrEqual(1_500);
    } finally {
      client.close();
    }
  });
});

describe('Prometheus', () => {
  let target: Server;
  let targetFile: string;
  const probe = randomUUID();

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url !== '/metrics') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE meshmart_stack_probe gauge\nmeshmart_stack_probe{probe="${probe}"} 42\n`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    rmSync(targetFile, { force: true });
    await new Promise((resolve) => target.close(resolve));
  });

  it('is ready', async () => {
    const response = await fetch(`${stack.prometheus.url}/-/ready`);
    expect(response.status).toBe(200);
  });

  it('scrapes a target found through file service discovery', async () => {
    const address = target.address();
    if (typeof address !== 'object' || !address) throw new Error('test target has no address');
    targetFile = join(stack.prometheus.fileSdDir, `test-${probe}.json`);
    writeFileSync(targetFile, JSON.stringify([{ targets: [`127.0.0.1:${address.port}`], labels: { service: 'stack-int-spec' } }]));

    const query = new URL('/api/v1/query', stack.prometheus.url);
    query.searchParams.set('query', `meshmart_stack_probe{probe="${probe}"}`);
    let value: string | undefined;
    const deadline = Date.now() + 45_000;
    while (value === undefined && Date.now() < deadline) {
      await sleep(1_000);
      const body = (await (await fetch(query)).json()) as { data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
      const [series] = body.data.result;
      if (series) {
        value = series.value[1];
        expect(series.metric['service']).toBe('stack-int-spec');
        expect(series.metric['job']).toBe('meshmart');
      }
    }
    expect(value).toBe('42');
  });
});

import { randomBytes } from 'node:crypto';
import { type Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, KafkaNames } from '@meshmart/messaging';
import { runMeshmart } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

/** `meshmart kafka drop`, run as startPlatform runs it, against the shared broker. */
describe('meshmart kafka drop (real broker)', () => {
  const mine = new KafkaNames(`kafka-drop-${randomBytes(3).toString('hex')}.`);
  // What must survive: a neighbour platform whose prefix begins like ours, and a name under our
  // prefix that is not one a platform makes.
  const neighbour = new KafkaNames(`${mine.prefix.slice(0, -1)}x.`);
  const notOurs = mine.onBroker('scratch.v1');
  let brokers: string[];
  let kafka: Kafka;
  const drop = () => runMeshmart(['kafka', 'drop', mine.prefix], { env: { ...process.env, KAFKA_BROKERS: brokers.join(',') } });

  /** A group that has committed an offset exists on the broker until it is deleted. */
  async function groupWithOffset(groupId: string, topic: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '0' }] });
    await admin.disconnect();
  }

  beforeAll(async () => {
    brokers = (await useStack()).kafka.brokers;
    kafka = createKafka({ clientId: 'kafka-drop-spec', brokers, logLevel: logLevel.NOTHING });
    const made = [mine.onBroker('orders.v1'), mine.onBroker('orders.v1.dlq'), neighbour.onBroker('orders.v1'), notOurs];
    await ensureTopics(
      kafka,
      made.map((topic) => ({ topic, numPartitions: 1 })),
    );
    await groupWithOffset(mine.onBroker('order-service.checkout-saga'), mine.onBroker('orders.v1'));
    await groupWithOffset(neighbour.onBroker('order-service.checkout-saga'), neighbour.onBroker('orders.v1'));
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [neighbour.onBroker('orders.v1'), notOurs] }).catch(() => undefined);
    await admin.deleteGroups([neighbour.onBroker('order-service.checkout-saga')]).catch(() => undefined);
    await admin.disconnect();
  });

  it("deletes the platform's topics and consumer groups under the prefix, and nothing else", async () => {
    const run = await drop();
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: `kafka: dropped 2 topics and 1 consumer groups under "${mine.prefix}"` });

    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics.filter((topic) => topic.startsWith(mine.prefix))).toEqual([notOurs]);
      expect(topics).toContain(neighbour.onBroker('orders.v1'));
      const groups = (await admin.listGroups()).groups.map(({ groupId }) => groupId);
      expect(groups.filter((groupId) => groupId.startsWith(mine.prefix))).toEqual([]);
      expect(groups).toContain(neighbour.onBroker('order-service.checkout-saga'));
    } finally {
      await admin.disconnect();
    }

    const again = await drop();
    expect({ code: again.code, stdout: again.stdout.trim() }).toEqual({
      code: 0,
      stdout: `kafka: dropped 0 topics and 0 consumer groups under "${mine.prefix}"`,
    });
  }, 60_000);

  it('waits for a group whose member is still in it, and deletes it once the member has left', async () => {
    const topic = mine.onBroker('orders.v1');
    await ensureTopics(kafka, [{ topic, numPartitions: 1 }]);
    const member = kafka.consumer({ groupId: mine.onBroker('cart-service.order-outcomes') });
    await member.connect();
    await member.subscribe({ topics: [topic] });
    let joined!: () => void;
    const inGroup = new Promise<void>((resolve) => (joined = resolve));
    member.on(member.events.GROUP_JOIN, () => joined());
    await member.run({ eachMessage: async () => undefined });
    await inGroup;

    const dropping = drop();
    // The member leaves a few seconds into the drop's wait, as a platform's last instance stopping would.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await member.disconnect();
    const run = await dropping;
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: `kafka: dropped 1 topics and 1 consumer groups under "${mine.prefix}"` });
  }, 60_000);
});

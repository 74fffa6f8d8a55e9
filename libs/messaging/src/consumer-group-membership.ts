import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';

/**
 * Group timings fit for fast failover. A member that dies without leaving (SIGKILL, a lost
 * host) holds its partitions until the coordinator has heard nothing for `sessionTimeout`;
 * kafkajs's 30 s default meant a replacement waited that long to join. 10 s is the usual
 * Kafka client default and well above the broker's minimum (6 s). Heartbeats every second
 * tell members of a rebalance within a second; `heartbeatWhileHandling` keeps them going while
 * one message takes long, so a slow handler is not mistaken for a dead member. A rebalance
 * waits up to `rebalanceTimeout` for members still finishing a message. An idle member
 * heartbeats only between fetches, so its long poll (`maxWaitTimeInMs`, kafkajs default 5 s)
 * is cut to 1 s: it notices a rebalance (a member joined or left) within about a second.
 */
export const consumerGroupTimings = { sessionTimeout: 10_000, heartbeatInterval: 1_000, rebalanceTimeout: 30_000, maxWaitTimeInMs: 1_000 } as const;

/** Told about the consumer's membership of its group. */
export interface GroupMembershipHooks {
  /** The consumer joined (or rejoined after a rebalance) and has its partitions. */
  onJoined?: (event: { memberId: string; isLeader: boolean; durationMs: number }) => void;
  /** kafkajs stopped the consumer on an error; `restarting` says whether it starts it again itself. */
  onCrashed?: (error: Error, restarting: boolean) => void;
}

/** The consumer of `groupId` with the failover timings, its membership events told to `hooks`. */
export function createGroupConsumer(kafka: Kafka, groupId: string, hooks: GroupMembershipHooks = {}): Consumer {
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, ...consumerGroupTimings });
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) =>
    hooks.onJoined?.({ memberId: payload.memberId, isLeader: payload.isLeader, durationMs: payload.duration }),
  );
  consumer.on(consumer.events.CRASH, ({ payload }) => hooks.onCrashed?.(payload.error, payload.restart));
  return consumer;
}

/**
 * Wraps an `eachMessage` handler so the member keeps heartbeating while one message is in
 * hand: kafkajs heartbeats only between messages, and a handler slower than the session
 * timeout would otherwise be taken for a dead member and cost a rebalance.
 */
export function heartbeatWhileHandling<P extends Pick<EachMessagePayload, 'heartbeat'>>(handle: (payload: P) => Promise<void>): (payload: P) => Promise<void> {
  return async (payload) => {
    const timer = setInterval(() => {
      // A rebalance answers the heartbeat with an error; the runner sees it after this message and rejoins.
      payload.heartbeat().catch(() => undefined);
    }, consumerGroupTimings.heartbeatInterval);
    try {
      await handle(payload);
    } finally {
      clearInterval(timer);
    }
  };
}

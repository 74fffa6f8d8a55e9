import type { EntityManager } from 'typeorm';

/**
 * Records that `consumer` applies message `messageId`, inside the transaction that applies it.
 * Returns false when it was applied before: the caller skips it, so a redelivered message
 * (Kafka is at least once) changes nothing twice.
 * @example await db.transaction(async (tx) => { if (!(await claimMessage(tx, 'cart.order-failed', event.id))) return; … });
 */
export async function claimMessage(manager: EntityManager, consumer: string, messageId: string): Promise<boolean> {
  const inserted = (await manager.query('INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [
    consumer,
    messageId,
  ])) as unknown[];
  return inserted.length === 1;
}

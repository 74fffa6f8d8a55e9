import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { topics } from '@meshmart/contracts';
import type { BackgroundConsumer } from '@meshmart/messaging';
import { claimMessage, PersistenceStartup } from '@meshmart/persistence';
import { CartRow } from './cart.entity';

/**
 * When an order fails (declined card, no stock), gives the shopper their cart back: the lines
 * of the cart that became the order go into their open cart, unless that one already has
 * lines of its own. The inbox makes a redelivered event change nothing a second time.
 */
@Injectable()
export class OrderFailedKafkaController implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderFailedConsumer');
  private consumer: BackgroundConsumer | undefined;

  constructor(
    @Inject(PersistenceStartup) private readonly startup: PersistenceStartup,
    @Inject(DataSource) private readonly db: DataSource,
  ) {}

  // In the background: the instance serves while the consumer waits for the database and joins its group.
  onApplicationBootstrap(): void {
    this.consumer = this.startup.startEventConsumer({
      groupId: 'cart-service.order-outcomes',
      topics: [topics.orders],
      handle: async ({ envelope }) => {
        if (envelope.type !== 'OrderFailed') return;
        await this.db.transaction(async (tx) => {
          if (!(await claimMessage(tx, 'cart-service.order-failed', envelope.id))) return;
          const cart = await tx.getRepository(CartRow).findOneBy({ orderId: envelope.aggregateId });
          if (!cart) return;
          const now = new Date();
          await tx.query(`INSERT INTO carts (id, user_id, status, lines, created_at, updated_at) VALUES ($1, $2, 'OPEN', $3, $4, $4) ON CONFLICT (user_id) WHERE status = 'OPEN' DO UPDATE SET lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at WHERE carts.lines = '[]'::jsonb`, [randomUUID(), cart.userId, JSON.stringify(cart.lines), now]);
        });
      },
      onDeadLetter: (topic, reason) => this.logger.error(`a message of ${topic} went to the dead-letter topic: ${reason}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}

import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import type { ConsumedEvents } from '@meshmart/messaging';
import { claimMessage } from '@meshmart/persistence';
import { CartEntity } from './cart.entity';

/**
 * When an order fails (declined card, no stock), gives the shopper their cart back: the lines
 * of the cart that became the order go into their open cart, unless that one already has
 * lines of its own. The inbox makes a redelivered event change nothing a second time.
 */
@Controller()
export class OrderFailedKafkaController {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  @EventPattern('OrderFailed', { group: 'cart-service.order-outcomes' })
  async restoreCart(event: ConsumedEvents['OrderFailed']): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (!(await claimMessage(tx, 'cart-service.order-failed', event.id))) return;
      const cart = await tx.getRepository(CartEntity).findOneBy({ orderId: event.aggregateId });
      if (!cart) return;
      const now = new Date();
      await tx.query(
        `INSERT INTO carts (id, user_id, status, lines, created_at, updated_at) VALUES ($1, $2, 'OPEN', $3, $4, $4) ON CONFLICT (user_id) WHERE status = 'OPEN' DO UPDATE SET lines = EXCLUDED.lines, updated_at = EXCLUDED.updated_at WHERE carts.lines = '[]'::jsonb`,
        [randomUUID(), cart.userId, JSON.stringify(cart.lines), now],
      );
    });
  }
}

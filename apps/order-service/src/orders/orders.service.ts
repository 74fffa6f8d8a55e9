import type { DataSource } from 'typeorm';
import type { Order } from '@meshmart/contracts';
import { ORDER_VIEW_COLUMNS, orderOfRecord, type OrderViewRecord } from './order.entity';

/** The orders as their owners read them; placing one is the checkout's (`CheckoutService`). */
export class OrdersService {
  constructor(private readonly db: DataSource) {}

  /** The user's orders, newest first. */
  async history(userId: string, limit = 50): Promise<Order[]> {
    const rows = (await this.db.query(`SELECT ${ORDER_VIEW_COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`, [
      userId,
      limit,
    ])) as OrderViewRecord[];
    return rows.map(orderOfRecord);
  }

  /** One order of the user's, or undefined (another user's order is as good as unknown). */
  async find(userId: string, orderId: string): Promise<Order | undefined> {
    const [row] = (await this.db.query(`SELECT ${ORDER_VIEW_COLUMNS} FROM orders WHERE id = $1 AND user_id = $2`, [orderId, userId])) as OrderViewRecord[];
    return row ? orderOfRecord(row) : undefined;
  }
}

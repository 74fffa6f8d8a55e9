import { createHash, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { type Cart, type CheckoutResult, idempotencyKeyReused, isRefusal, type Order, type PricedLine, type Replayable } from '@meshmart/contracts';
import type { MeshClient } from '@meshmart/mesh';
import { CartEntity, cartOf } from './cart.entity';
import { cartMetrics, type CheckoutMetricOutcome } from './cart-metrics';
import type { CatalogueClient } from './catalogue.client';
import type { CartRefusal } from './domain/cart-refusal';
import { removeLine, reprice, setLine } from './domain/cart';

/** What a checkout gave: the order (a replay when this key placed it before), or a refusal. */
export type CheckoutOutcome = Replayable<CheckoutResult> | CartRefusal;

/** The metric label of each checkout refusal (kept as the dashboards know them). */
const refusedOutcomes: Partial<Record<CartRefusal['refusal'], CheckoutMetricOutcome>> = {
  'empty-cart': 'empty_cart',
  'product-no-longer-sold': 'unknown_product',
  'idempotency-key-reused': 'key_reused',
};

/**
 * Carts: one open cart per user, its lines priced by inventory, and the checkout that hands it
 * to order-service. Refusals are returned, not thrown.
 */
export class CartsService {
  constructor(
    private readonly db: DataSource,
    private readonly catalogue: CatalogueClient,
    private readonly mesh: MeshClient,
  ) {}

  /** The user's open cart (an empty one is made on first sight). */
  async current(userId: string): Promise<Cart> {
    return this.db.transaction(async (tx) => cartOf(await this.openCart(tx, userId)));
  }

  /** Sets a line's quantity at today's price, if inventory knows the product and has that many. */
  async setLine(userId: string, sku: string, quantity: number): Promise<Cart | CartRefusal> {
    const product = await this.catalogue.product(sku);
    if (!product) return { refusal: 'unknown-product', sku };
    if (product.available < quantity) return { refusal: 'out-of-stock', sku, requested: quantity, available: product.available };
    return this.db.transaction(async (tx) => {
      const cart = await this.openCart(tx, userId);
      const lines = setLine(cart.lines, { sku, name: product.name, quantity, unitPrice: product.price });
      if (isRefusal(lines)) return lines;
      cart.lines = lines;
      await this.save(tx, cart);
      return cartOf(cart);
    });
  }

  async removeLine(userId: string, sku: string): Promise<Cart> {
    return this.db.transaction(async (tx) => {
      const cart = await this.openCart(tx, userId);
      cart.lines = removeLine(cart.lines, sku);
      await this.save(tx, cart);
      return cartOf(cart);
    });
  }

  /**
   * Hands the cart to order-service at today's prices and closes it. The cart row stays locked
   * while the order is placed, so a concurrent repeat of the same key waits and then finds the
   * order this one made (a replay); order-service dedupes on the key as well. A key that
   * checked out an earlier cart is refused for the next one.
   */
  async checkout(userId: string, paymentToken: string, key: string): Promise<CheckoutOutcome> {
    try {
      const outcome = await this.checkoutOnce(userId, paymentToken, key);
      const label = isRefusal(outcome) ? refusedOutcomes[outcome.refusal] : outcome.replayed ? 'repeated' : 'placed';
      cartMetrics.checkouts.inc({ outcome: label ?? 'error' });
      return outcome;
    } catch (error) {
      cartMetrics.checkouts.inc({ outcome: 'error' });
      throw error;
    }
  }

  private async checkoutOnce(userId: string, paymentToken: string, key: string): Promise<CheckoutOutcome> {
    return this.db.transaction(async (tx): Promise<CheckoutOutcome> => {
      const cart = await tx.getRepository(CartEntity).findOne({ where: { userId, status: 'OPEN' }, lock: { mode: 'pessimistic_write' } });
      const done = await tx.getRepository(CartEntity).findOneBy({ userId, checkoutKey: key });
      if (!cart || cart.lines.length === 0) {
        if (done?.orderId) {
          // Asking order-service again with the same key answers with that order as it is now.
          const order = await this.placeOrder(userId, done.id, done.lines, paymentToken, key);
          return { value: { orderId: order.id, status: order.status }, replayed: true };
        }
        return { refusal: 'empty-cart' };
      }
      // The open cart is another than the one this key checked out.
      if (done) return idempotencyKeyReused;
      const { lines, missing } = reprice(cart.lines, await this.catalogue.products(cart.lines.map((line) => line.sku)));
      if (missing.length > 0) return { refusal: 'product-no-longer-sold', skus: missing };
      const order = await this.placeOrder(userId, cart.id, lines, paymentToken, key);
      Object.assign(cart, { status: 'CHECKED_OUT', lines, checkoutKey: key, orderId: order.id });
      await this.save(tx, cart);
      return { value: { orderId: order.id, status: order.status }, replayed: false };
    });
  }

  private async placeOrder(userId: string, cartId: string, lines: PricedLine[], paymentToken: string, key: string): Promise<Order> {
    const response = await this.mesh
      .client('order-service')
      .post<Order>('/orders', { body: { userId, cartId, lines, paymentToken }, idempotencyKey: orderKey(userId, key) });
    if (response.status === 200 || response.status === 201) return response.body;
    // order-service validated what the cart sent: a 4xx here is a bug of ours, not the shopper's.
    throw new Error(`order-service refused the order (${response.status}): ${JSON.stringify(response.body).slice(0, 300)}`);
  }

  /** The open cart, locked for this transaction; created when the user has none. */
  private async openCart(tx: EntityManager, userId: string): Promise<CartEntity> {
    const now = new Date();
    const inserted = (await tx.query(
      `INSERT INTO carts (id, user_id, status, lines, created_at, updated_at) VALUES ($1, $2, 'OPEN', '[]', $3, $3) ON CONFLICT (user_id) WHERE status = 'OPEN' DO NOTHING RETURNING id`,
      [randomUUID(), userId, now],
    )) as unknown[];
    if (inserted.length > 0) cartMetrics.created.inc();
    return tx.getRepository(CartEntity).findOneOrFail({ where: { userId, status: 'OPEN' }, lock: { mode: 'pessimistic_write' } });
  }

  private async save(tx: EntityManager, cart: CartEntity): Promise<void> {
    cart.updatedAt = new Date();
    await tx.update(
      CartEntity,
      { id: cart.id },
      { status: cart.status, lines: cart.lines, checkoutKey: cart.checkoutKey, orderId: cart.orderId, updatedAt: cart.updatedAt },
    );
  }
}

/** The key of the order a checkout places: one per user and checkout key, of fixed length whatever the two are. */
function orderKey(userId: string, key: string): string {
  return `checkout:${createHash('sha256').update(`${userId}\n${key}`).digest('hex')}`;
}

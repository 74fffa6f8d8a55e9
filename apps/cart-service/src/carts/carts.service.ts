import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Cart, CheckoutResult, Order, PricedLine } from '@meshmart/contracts';
import { MeshClient, ProblemException } from '@meshmart/mesh';
import { CartRow, toCart } from './cart.entity';
import { cartMetrics, type CheckoutMetricOutcome } from './cart-metrics';
import { CatalogueClient } from './catalogue.client';
import { CurrencyMismatch, removeLine, reprice, setLine } from './domain/cart';

/** What a checkout gave: a new order, or the order this key made before. */
export type CheckoutOutcome = { kind: 'placed' | 'repeated'; result: CheckoutResult };

@Injectable()
export class CartsService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(CatalogueClient) private readonly catalogue: CatalogueClient,
    @Inject(MeshClient) private readonly mesh: MeshClient,
  ) {}

  /** The user's open cart (an empty one is made on first sight). */
  async current(userId: string): Promise<Cart> {
    return this.db.transaction(async (tx) => toCart(await this.openCart(tx, userId)));
  }

  /** Sets a line's quantity at today's price, if inventory knows the product and has that many. */
  async setLine(userId: string, sku: string, quantity: number): Promise<Cart> {
    const product = await this.catalogue.product(sku);
    if (!product) throw new ProblemException(404, 'unknown-product', 'unknown product', `no product ${sku}`, { sku });
    if (product.available < quantity) throw new ProblemException(409, 'insufficient-stock', 'not enough stock', `only ${product.available} of ${sku} available`, { sku, requested: quantity, available: product.available });
    return this.db.transaction(async (tx) => {
      const cart = await this.openCart(tx, userId);
      try {
        cart.lines = setLine(cart.lines, { sku, name: product.name, quantity, unitPrice: product.price });
      } catch (error) {
        if (error instanceof CurrencyMismatch) throw new ProblemException(409, 'currency-mismatch', 'currency mismatch', error.message);
        throw error;
      }
      await this.save(tx, cart);
      return toCart(cart);
    });
  }

  async removeLine(userId: string, sku: string): Promise<Cart> {
    return this.db.transaction(async (tx) => {
      const cart = await this.openCart(tx, userId);
      cart.lines = removeLine(cart.lines, sku);
      await this.save(tx, cart);
      return toCart(cart);
    });
  }

  /**
   * Hands the cart to order-service at today's prices and closes it. The cart row stays locked
   * while the order is placed, so a concurrent repeat of the same key waits and then finds the
   * order this one made; order-service dedupes on the key as well.
   */
  async checkout(userId: string, paymentToken: string, key: string): Promise<CheckoutOutcome> {
    try {
      const outcome = await this.checkoutOnce(userId, paymentToken, key);
      cartMetrics.checkouts.inc({ outcome: outcome.kind });
      return outcome;
    } catch (error) {
      const refused = error instanceof ProblemException && (error.slug === 'empty-cart' || error.slug === 'unknown-product');
      cartMetrics.checkouts.inc({ outcome: refused ? (error.slug.replace('-', '_') as CheckoutMetricOutcome) : 'error' });
      throw error;
    }
  }

  private async checkoutOnce(userId: string, paymentToken: string, key: string): Promise<CheckoutOutcome> {
    return this.db.transaction(async (tx) => {
      const cart = await tx.getRepository(CartRow).findOne({ where: { userId, status: 'OPEN' }, lock: { mode: 'pessimistic_write' } });
      if (!cart || cart.lines.length === 0) {
        const done = await tx.getRepository(CartRow).findOneBy({ userId, checkoutKey: key });
        if (done?.orderId) {
          // Asking order-service again with the same key answers with that order as it is now.
          const order = await this.placeOrder(userId, done.id, done.lines, paymentToken, key);
          return { kind: 'repeated', result: { orderId: order.id, status: order.status } };
        }
        throw new ProblemException(409, 'empty-cart', 'empty cart', 'add products to the cart before checking out');
      }
      const { lines, missing } = reprice(cart.lines, await this.catalogue.products(cart.lines.map((line) => line.sku)));
      if (missing.length > 0) throw new ProblemException(409, 'unknown-product', 'product no longer sold', `remove ${missing.join(', ')} from the cart`, { skus: missing });
      const order = await this.placeOrder(userId, cart.id, lines, paymentToken, key);
      Object.assign(cart, { status: 'CHECKED_OUT', lines, checkoutKey: key, orderId: order.id });
      await this.save(tx, cart);
      return { kind: 'placed', result: { orderId: order.id, status: order.status } };
    });
  }

  private async placeOrder(userId: string, cartId: string, lines: PricedLine[], paymentToken: string, key: string): Promise<Order> {
    const response = await this.mesh.client('order-service').post<Order>('/orders', { body: { userId, cartId, lines, paymentToken }, idempotencyKey: orderKey(userId, key) });
    if (response.status === 200 || response.status === 201) return response.body;
    // order-service validated what the cart sent: a 4xx here is a bug of ours, not the shopper's.
    throw new Error(`order-service refused the order (${response.status}): ${JSON.stringify(response.body).slice(0, 300)}`);
  }

  /** The open cart, locked for this transaction; created when the user has none. */
  private async openCart(tx: EntityManager, userId: string): Promise<CartRow> {
    const now = new Date();
    const inserted = (await tx.query(`INSERT INTO carts (id, user_id, status, lines, created_at, updated_at) VALUES ($1, $2, 'OPEN', '[]', $3, $3) ON CONFLICT (user_id) WHERE status = 'OPEN' DO NOTHING RETURNING id`, [randomUUID(), userId, now])) as unknown[];
    if (inserted.length > 0) cartMetrics.created.inc();
    return tx.getRepository(CartRow).findOneOrFail({ where: { userId, status: 'OPEN' }, lock: { mode: 'pessimistic_write' } });
  }

  private async save(tx: EntityManager, cart: CartRow): Promise<void> {
    cart.updatedAt = new Date();
    await tx.update(CartRow, { id: cart.id }, { status: cart.status, lines: cart.lines, checkoutKey: cart.checkoutKey, orderId: cart.orderId, updatedAt: cart.updatedAt });
  }
}

/** The key of the order a checkout places: one per user and checkout key, of fixed length whatever the two are. */
function orderKey(userId: string, key: string): string {
  return `checkout:${createHash('sha256').update(`${userId}\n${key}`).digest('hex')}`;
}

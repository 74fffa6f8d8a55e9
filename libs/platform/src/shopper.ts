import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Cart, CheckoutResult, Order, Product } from '@meshmart/contracts';
import { type JsonResponse, sendJson } from './mesh-https';

/** A demo token for `userId`, as the gateway's HS256 configuration accepts it. */
export function shopperToken(secret: string, userId: string, expiresIn = '1h'): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(userId)
    .setIssuer('meshmart-demo')
    .setAudience('meshmart')
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}

/** A shopper talking to the public gateway, as a browser or app would. */
export class Shopper {
  private constructor(
    readonly gatewayUrl: string,
    readonly userId: string,
    /** The bearer token it sends. */
    readonly token: string,
  ) {}

  static async signIn(gatewayUrl: string, jwtSecret: string, userId = `shopper-${randomUUID().slice(0, 8)}`): Promise<Shopper> {
    return new Shopper(gatewayUrl, userId, await shopperToken(jwtSecret, userId));
  }

  call<T = unknown>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    return sendJson<T>(method, `${this.gatewayUrl}${path}`, body, { authorization: `Bearer ${this.token}`, ...headers });
  }

  products(): Promise<JsonResponse<Product[]>> {
    return this.call('GET', '/products');
  }

  cart(): Promise<JsonResponse<Cart>> {
    return this.call('GET', '/cart');
  }

  setLine(sku: string, quantity: number): Promise<JsonResponse<Cart>> {
    return this.call('PUT', `/cart/lines/${sku}`, { quantity });
  }

  checkout(paymentToken: string, idempotencyKey: string = randomUUID()): Promise<JsonResponse<CheckoutResult>> {
    return this.call('POST', '/cart/checkout', { paymentToken }, { 'idempotency-key': idempotencyKey });
  }

  order(orderId: string): Promise<JsonResponse<Order>> {
    return this.call('GET', `/orders/${orderId}`);
  }

  /** Polls the order until it is CONFIRMED, FAILED or CANCELLED. */
  async settledOrder(orderId: string, timeoutMs = 60_000): Promise<Order> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { status, body } = await this.order(orderId);
      if (status === 200 && ['CONFIRMED', 'FAILED', 'CANCELLED'].includes(body.status)) return body;
      if (Date.now() > deadline) throw new Error(`order ${orderId} still ${status === 200 ? body.status : `answering ${status}`} after ${timeoutMs / 1000}s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

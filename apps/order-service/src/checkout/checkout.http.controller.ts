import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Order, type PlaceOrder, placeOrderSchema, replayStatus } from '@meshmart/contracts';
import { AllowFrom, IdempotencyKey, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../order-problems';
import { CheckoutService } from './checkout.service';

@Controller()
export class CheckoutHttpController {
  constructor(@Inject(CheckoutService) private readonly checkout: CheckoutService) {}

  /**
   * Places an order (cart-service's checkout): 201 when new, 200 with the same order for a replay
   * of the key; 422 `idempotency-key-reused` (the key placed another cart), `mixed-currencies`.
   */
  @AllowFrom('cart-service')
  @Post('orders')
  async place(
    @Body(new ZodValidationPipe(placeOrderSchema)) body: PlaceOrder,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Order> {
    const placed = answerOrThrow(await this.checkout.place(body, key));
    void reply.status(replayStatus(placed));
    return placed.value;
  }
}

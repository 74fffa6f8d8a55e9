import { Body, Controller, Get, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Order, type PlaceOrder, placeOrderSchema, replayStatus, userIdSchema } from '@meshmart/contracts';
import { AllowFrom, IdempotencyKey, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../order-problems';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersHttpController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  /**
   * Places an order (cart-service's checkout): 201 when new, 200 with the same order for a replay
   * of the key; 422 `idempotency-key-reused` (the key placed another cart), `mixed-currencies`.
   */
  @AllowFrom('cart-service')
  @Post('orders')
  async place(@Body(new ZodValidationPipe(placeOrderSchema)) body: PlaceOrder, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Order> {
    const placed = answerOrThrow(await this.orders.place(body, key));
    void reply.status(replayStatus(placed));
    return placed.value;
  }

  /** A user's order history, newest first (the gateway asks on the user's behalf). */
  @AllowFrom('gateway')
  @Get('users/:userId/orders')
  history(@Param('userId', new ZodValidationPipe(userIdSchema)) userId: string): Promise<Order[]> {
    return this.orders.history(userId);
  }

  /** 200 Order, or 404 `unknown-order` (also for another user's order). */
  @AllowFrom('gateway')
  @Get('users/:userId/orders/:orderId')
  async find(@Param('userId', new ZodValidationPipe(userIdSchema)) userId: string, @Param('orderId', new ZodValidationPipe(z.uuid())) orderId: string): Promise<Order> {
    return answerOrThrow((await this.orders.find(userId, orderId)) ?? { refusal: 'unknown-order', orderId });
  }
}

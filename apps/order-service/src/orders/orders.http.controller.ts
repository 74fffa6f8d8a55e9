import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { type Order, type PlaceOrder, placeOrderSchema, userIdSchema } from '@meshmart/contracts';
import { AllowFrom, IdempotencyKey, ProblemException, ZodValidationPipe } from '@meshmart/mesh';
import { MixedCurrencies } from './domain/order';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersHttpController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  /** Places an order (cart-service's checkout): 201 when new, 200 with the same order for a repeated key. */
  @AllowFrom('cart-service')
  @Post('orders')
  @HttpCode(201)
  async place(@Body(new ZodValidationPipe(placeOrderSchema)) body: PlaceOrder, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Order> {
    let result;
    try {
      result = await this.orders.place(body, key);
    } catch (error) {
      if (error instanceof MixedCurrencies) throw new ProblemException(422, 'mixed-currencies', 'mixed currencies', error.message);
      throw error;
    }
    if (result.kind === 'key-reused') throw new ProblemException(422, 'idempotency-key-reused', 'idempotency key reused', 'this key already placed a different order', { orderId: result.orderId });
    if (result.kind === 'repeated') void reply.status(200);
    return result.order;
  }

  /** A user's order history, newest first (the gateway asks on the user's behalf). */
  @AllowFrom('gateway')
  @Get('users/:userId/orders')
  history(@Param('userId', new ZodValidationPipe(userIdSchema)) userId: string): Promise<Order[]> {
    return this.orders.history(userId);
  }

  @AllowFrom('gateway')
  @Get('users/:userId/orders/:orderId')
  async find(@Param('userId', new ZodValidationPipe(userIdSchema)) userId: string, @Param('orderId', new ZodValidationPipe(z.uuid())) orderId: string): Promise<Order> {
    const order = await this.orders.find(userId, orderId);
    if (!order) throw new ProblemException(404, 'unknown-order', 'unknown order', `no order ${orderId} for this user`);
    return order;
  }
}

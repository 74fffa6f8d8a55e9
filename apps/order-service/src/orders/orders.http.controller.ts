import { Controller, Get, Inject, Param } from '@nestjs/common';
import { z } from 'zod';
import { type Order, userIdSchema } from '@meshmart/contracts';
import { AllowFrom, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../order-problems';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersHttpController {
  constructor(@Inject(OrdersService) private readonly orders: OrdersService) {}

  /** A user's order history, newest first (the gateway asks on the user's behalf). */
  @AllowFrom('gateway')
  @Get('users/:userId/orders')
  history(@Param('userId', new ZodValidationPipe(userIdSchema)) userId: string): Promise<Order[]> {
    return this.orders.history(userId);
  }

  /** 200 Order, or 404 `unknown-order` (also for another user's order). */
  @AllowFrom('gateway')
  @Get('users/:userId/orders/:orderId')
  async find(
    @Param('userId', new ZodValidationPipe(userIdSchema)) userId: string,
    @Param('orderId', new ZodValidationPipe(z.uuid())) orderId: string,
  ): Promise<Order> {
    return answerOrThrow((await this.orders.find(userId, orderId)) ?? { refusal: 'unknown-order', orderId });
  }
}

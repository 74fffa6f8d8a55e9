import { Body, Controller, Delete, Get, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  type Cart,
  type Checkout,
  type CheckoutResult,
  checkoutSchema,
  replayStatus,
  type SetCartLine,
  setCartLineSchema,
  skuSchema,
  userIdSchema,
} from '@meshmart/contracts';
import { AllowFrom, IdempotencyKey, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../cart-problems';
import { CartsService } from './carts.service';

const userId = new ZodValidationPipe(userIdSchema);
const sku = new ZodValidationPipe(skuSchema);

/** Carts by user; the gateway calls on behalf of the user it authenticated. */
@AllowFrom('gateway')
@Controller('carts/:userId')
export class CartsHttpController {
  constructor(@Inject(CartsService) private readonly carts: CartsService) {}

  @Get()
  current(@Param('userId', userId) user: string): Promise<Cart> {
    return this.carts.current(user);
  }

  /** 200 Cart; 404 `unknown-product`, 409 `out-of-stock`, `currency-mismatch`. */
  @Put('lines/:sku')
  async setLine(
    @Param('userId', userId) user: string,
    @Param('sku', sku) product: string,
    @Body(new ZodValidationPipe(setCartLineSchema)) body: SetCartLine,
  ): Promise<Cart> {
    return answerOrThrow(await this.carts.setLine(user, product, body.quantity));
  }

  @Delete('lines/:sku')
  removeLine(@Param('userId', userId) user: string, @Param('sku', sku) product: string): Promise<Cart> {
    return this.carts.removeLine(user, product);
  }

  /** 201 with the new order; 200 with the same order for a replay of the key; 409 `empty-cart`, `product-no-longer-sold`. */
  @Post('checkout')
  async checkout(
    @Param('userId', userId) user: string,
    @Body(new ZodValidationPipe(checkoutSchema)) body: Checkout,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckoutResult> {
    const placed = answerOrThrow(await this.carts.checkout(user, body.paymentToken, key));
    void reply.status(replayStatus(placed));
    return placed.value;
  }
}

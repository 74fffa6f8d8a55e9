import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { type Cart, type Checkout, type CheckoutResult, checkoutSchema, type SetCartLine, setCartLineSchema, skuSchema, userIdSchema } from '@meshmart/contracts';
import { AllowFrom, IdempotencyKey, ZodValidationPipe } from '@meshmart/mesh';
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

  @Put('lines/:sku')
  setLine(@Param('userId', userId) user: string, @Param('sku', sku) product: string, @Body(new ZodValidationPipe(setCartLineSchema)) body: SetCartLine): Promise<Cart> {
    return this.carts.setLine(user, product, body.quantity);
  }

  @Delete('lines/:sku')
  removeLine(@Param('userId', userId) user: string, @Param('sku', sku) product: string): Promise<Cart> {
    return this.carts.removeLine(user, product);
  }

  /** 201 with the new order; 200 with the same order when the key was used before. */
  @Post('checkout')
  @HttpCode(201)
  async checkout(@Param('userId', userId) user: string, @Body(new ZodValidationPipe(checkoutSchema)) body: Checkout, @IdempotencyKey() key: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<CheckoutResult> {
    const outcome = await this.carts.checkout(user, body.paymentToken, key);
    if (outcome.kind === 'repeated') void reply.status(200);
    return outcome.result;
  }
}

import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { cartSchema, type Checkout, checkoutResultSchema, checkoutSchema, type SetCartLine, setCartLineSchema, skuSchema } from '@meshmart/contracts';
import { IdempotencyKey, ZodValidationPipe } from '@meshmart/mesh';
import { type AuthenticatedRequest, JwtAuthGuard, userSegment } from '../auth/jwt-auth.guard';
import { ShopperThrottlerGuard } from '../auth/shopper-throttler.guard';
import { openApiSchema } from '../docs/openapi-schema';
import { UpstreamRelay } from './upstream-relay';

/** The signed-in shopper's cart and checkout. */
@ApiTags('cart')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, ShopperThrottlerGuard)
@Controller('cart')
export class CartHttpController {
  constructor(@Inject(UpstreamRelay) private readonly relay: UpstreamRelay) {}

  @Get()
  @ApiOkResponse({ schema: openApiSchema(cartSchema) })
  cart(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.relay.forward(reply, 'cart-service', 'GET', `/carts/${userSegment(request)}`);
  }

  @Put('lines/:sku')
  @ApiBody({ schema: openApiSchema(setCartLineSchema) })
  @ApiOkResponse({ schema: openApiSchema(cartSchema) })
  setLine(
    @Req() request: AuthenticatedRequest,
    @Param('sku', new ZodValidationPipe(skuSchema)) sku: string,
    @Body(new ZodValidationPipe(setCartLineSchema)) body: SetCartLine,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.relay.forward(reply, 'cart-service', 'PUT', `/carts/${userSegment(request)}/lines/${sku}`, { body });
  }

  @Delete('lines/:sku')
  @ApiOkResponse({ schema: openApiSchema(cartSchema) })
  removeLine(
    @Req() request: AuthenticatedRequest,
    @Param('sku', new ZodValidationPipe(skuSchema)) sku: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.relay.forward(reply, 'cart-service', 'DELETE', `/carts/${userSegment(request)}/lines/${sku}`);
  }

  /** Checks the cart out: 201 with the new order id; a replay (the same Idempotency-Key again) 200 with the same order; 422 `idempotency-key-reused` for a key that checked out another cart. */
  @Post('checkout')
  @HttpCode(201)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'one key per checkout attempt; a replay (the same key again) answers 200 with the same order',
  })
  @ApiBody({ schema: openApiSchema(checkoutSchema) })
  @ApiOkResponse({ schema: openApiSchema(checkoutResultSchema) })
  checkout(
    @Req() request: AuthenticatedRequest,
    @Body(new ZodValidationPipe(checkoutSchema)) body: Checkout,
    @IdempotencyKey() key: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.relay.forward(reply, 'cart-service', 'POST', `/carts/${userSegment(request)}/checkout`, { body, idempotencyKey: key });
  }
}

import { Controller, Get, Inject, Param, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { orderSchema } from '@meshmart/contracts';
import { ZodValidationPipe } from '@meshmart/mesh';
import { type AuthenticatedRequest, JwtAuthGuard, userSegment } from '../auth/jwt-auth.guard';
import { ShopperThrottlerGuard } from '../auth/shopper-throttler.guard';
import { openApiSchema } from '../docs/openapi-schema';
import { UpstreamRelay } from './upstream-relay';

/** The signed-in shopper's orders: history and status. */
@ApiTags('orders')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, ShopperThrottlerGuard)
@Controller('orders')
export class OrdersHttpController {
  constructor(@Inject(UpstreamRelay) private readonly relay: UpstreamRelay) {}

  @Get()
  @ApiOkResponse({ schema: openApiSchema(z.array(orderSchema)) })
  history(@Req() request: AuthenticatedRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.relay.forward(reply, 'order-service', 'GET', `/users/${userSegment(request)}/orders`);
  }

  @Get(':orderId')
  @ApiOkResponse({ schema: openApiSchema(orderSchema) })
  order(
    @Req() request: AuthenticatedRequest,
    @Param('orderId', new ZodValidationPipe(z.uuid())) orderId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return this.relay.forward(reply, 'order-service', 'GET', `/users/${userSegment(request)}/orders/${orderId}`);
  }
}

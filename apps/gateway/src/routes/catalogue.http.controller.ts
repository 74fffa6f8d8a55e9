import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { productSchema, skuSchema } from '@meshmart/contracts';
import { ZodValidationPipe } from '@meshmart/mesh';
import { openApiSchema } from '../docs/openapi-schema';
import { UpstreamRelay } from './upstream-relay';

const skuList = z
  .string()
  .max(2_000)
  .transform((value) => value.split(',').filter(Boolean))
  .pipe(z.array(skuSchema).max(50))
  .optional();

/** The catalogue: readable without signing in (limited per address, as every route). */
@ApiTags('catalogue')
@Controller('products')
export class CatalogueHttpController {
  constructor(@Inject(UpstreamRelay) private readonly relay: UpstreamRelay) {}

  @Get()
  @ApiQuery({ name: 'skus', required: false, description: 'comma-separated skus' })
  @ApiOkResponse({ schema: openApiSchema(z.array(productSchema)) })
  list(@Query('skus', new ZodValidationPipe(skuList)) skus: string[] | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.relay.forward(reply, 'inventory-service', 'GET', skus?.length ? `/products?skus=${skus.join(',')}` : '/products');
  }

  @Get(':sku')
  @ApiOkResponse({ schema: openApiSchema(productSchema) })
  product(@Param('sku', new ZodValidationPipe(skuSchema)) sku: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.relay.forward(reply, 'inventory-service', 'GET', `/products/${sku}`);
  }
}

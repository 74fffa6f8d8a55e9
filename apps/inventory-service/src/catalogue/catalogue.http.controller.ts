import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { operatorIdentity, type Product, skuSchema, type UpsertProduct, upsertProductSchema } from '@meshmart/contracts';
import { AllowFrom, ZodValidationPipe } from '@meshmart/mesh';
import { answerOrThrow } from '../inventory-problems';
import { CatalogueService } from './catalogue.service';

const skuParams = z.object({ sku: skuSchema });

/** `?skus=A,B` (or `?skus=A&skus=B`): at most 100 skus; an empty `?skus=` selects nothing. */
const listQuery = z.object({
  skus: z
    .union([z.string(), z.array(z.string())])
    .transform((value) =>
      [value]
        .flat()
        .flatMap((item) => item.split(','))
        .map((sku) => sku.trim())
        .filter(Boolean),
    )
    .pipe(z.array(skuSchema).max(100))
    .optional(),
});

/** Who may read the catalogue: the edge (browsing), the cart (prices), the order service and the operator. */
const catalogueReaders = ['gateway', 'cart-service', 'order-service', operatorIdentity] as const;

/** `/products`: the catalogue, read by the platform and written by the operator. */
@Controller('products')
export class CatalogueHttpController {
  constructor(@Inject(CatalogueService) private readonly catalogue: CatalogueService) {}

  /** 200 Product[] in sku order; with `?skus=`, those of the skus that exist. */
  @Get()
  @AllowFrom(...catalogueReaders)
  list(@Query(new ZodValidationPipe(listQuery)) query: z.infer<typeof listQuery>): Promise<Product[]> {
    return this.catalogue.list(query.skus);
  }

  /** 200 Product, or 404 `unknown-product`. */
  @Get(':sku')
  @AllowFrom(...catalogueReaders)
  async get(@Param(new ZodValidationPipe(skuParams)) { sku }: z.infer<typeof skuParams>): Promise<Product> {
    return answerOrThrow((await this.catalogue.find(sku)) ?? { refusal: 'unknown-product', sku });
  }

  /** 200 Product: creates the product or replaces its name and price, and sets its stock. */
  @Put(':sku')
  @AllowFrom(operatorIdentity)
  upsert(
    @Param(new ZodValidationPipe(skuParams)) { sku }: z.infer<typeof skuParams>,
    @Body(new ZodValidationPipe(upsertProductSchema)) body: UpsertProduct,
  ): Promise<Product> {
    return this.catalogue.upsert(sku, body);
  }
}

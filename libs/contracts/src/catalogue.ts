import { z } from 'zod';
import { moneySchema } from './money';

/** Stock keeping unit: upper-case letters, digits and dashes, e.g. `MUG-001`. */
export const skuSchema = z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'upper-case letters, digits and dashes, 2–32 characters');

export const productSchema = z.object({
  sku: skuSchema,
  name: z.string().min(1).max(200),
  price: moneySchema,
  /** Units that can still be reserved. */
  available: z.number().int().min(0),
});
export type Product = z.infer<typeof productSchema>;

/** `PUT /products/{sku}` (operator only): creates or replaces a product and sets its stock. */
export const upsertProductSchema = productSchema.omit({ sku: true }).strict();
export type UpsertProduct = z.infer<typeof upsertProductSchema>;

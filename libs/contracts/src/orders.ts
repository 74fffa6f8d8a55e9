import { z } from 'zod';
import { skuSchema } from './catalogue';
import { moneySchema } from './money';
import { paymentTokenSchema } from './payments';
import { quantitySchema } from './reservations';

/**
 * A shopper's id (a token's `sub`). It travels as a path segment (`/carts/<userId>`), so it
 * starts with a letter or digit: it can never be `.` or `..`, nor begin like a hidden name.
 */
export const userIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/, 'a letter or digit, then letters, digits and . _ @ -, at most 64 in all');

export const pricedLineSchema = z.object({ sku: skuSchema, name: z.string().min(1).max(200), quantity: quantitySchema, unitPrice: moneySchema }).strict();
export type PricedLine = z.infer<typeof pricedLineSchema>;

/** `POST /orders` (cart-service, with an Idempotency-Key): place an order and start its checkout. */
export const placeOrderSchema = z
  .object({
    userId: userIdSchema,
    cartId: z.uuid(),
    // One line per product: inventory reserves per sku and refuses a request that names one twice.
    lines: z
      .array(pricedLineSchema)
      .min(1)
      .max(50)
      .refine((lines) => new Set(lines.map((line) => line.sku)).size === lines.length, 'each sku at most once'),
    paymentToken: paymentTokenSchema,
  })
  .strict();
export type PlaceOrder = z.infer<typeof placeOrderSchema>;

export const orderStatuses = ['PENDING', 'RESERVED', 'PAID', 'CONFIRMED', 'CANCELLED', 'FAILED'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
export const terminalOrderStatuses: readonly OrderStatus[] = ['CONFIRMED', 'CANCELLED', 'FAILED'];

/**
 * Why an order did not complete: the customer's outcomes (`out_of_stock`, `payment_declined`…),
 * and ours: `saga_timeout` (a participant stayed unavailable past the deadline) and
 * `internal_error` (a step failed in a way retrying cannot mend, e.g. a bug).
 */
export const orderFailureReasons = [
  'out_of_stock',
  'unknown_product',
  'payment_declined',
  'payment_timeout',
  'reservation_expired',
  'saga_timeout',
  'internal_error',
] as const;
export type OrderFailureReason = (typeof orderFailureReasons)[number];

export const orderSchema = z.object({
  id: z.uuid(),
  userId: userIdSchema,
  status: z.enum(orderStatuses),
  failureReason: z.enum(orderFailureReasons).optional(),
  lines: z.array(pricedLineSchema),
  total: moneySchema,
  paymentId: z.uuid().optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Order = z.infer<typeof orderSchema>;

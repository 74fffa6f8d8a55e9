import { z } from 'zod';
import { moneySchema } from './money';
import { orderStatuses } from './orders';
import { paymentTokenSchema } from './payments';
import { quantitySchema } from './reservations';

/** `PUT /cart/lines/{sku}`: set the quantity of one product in the cart. */
export const setCartLineSchema = z.object({ quantity: quantitySchema }).strict();
export type SetCartLine = z.infer<typeof setCartLineSchema>;

/** `POST /cart/checkout` (with an Idempotency-Key header). */
export const checkoutSchema = z.object({ paymentToken: paymentTokenSchema }).strict();
export type Checkout = z.infer<typeof checkoutSchema>;

export const cartLineSchema = z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), unitPrice: moneySchema, lineTotal: moneySchema });
export const cartSchema = z.object({
  id: z.uuid(),
  userId: z.string(),
  lines: z.array(cartLineSchema),
  total: moneySchema,
});
export type Cart = z.infer<typeof cartSchema>;

export const checkoutResultSchema = z.object({ orderId: z.uuid(), status: z.enum(orderStatuses) });
export type CheckoutResult = z.infer<typeof checkoutResultSchema>;

import { z } from 'zod';
import { skuSchema } from './catalogue';

export const quantitySchema = z.number().int().min(1).max(100);

export const orderLineSchema = z.object({ sku: skuSchema, quantity: quantitySchema }).strict();
export type OrderLine = z.infer<typeof orderLineSchema>;

/** `POST /reservations` (order-service): hold stock for an order until it is committed or released. */
export const reserveStockSchema = z
  .object({
    orderId: z.uuid(),
    lines: z.array(orderLineSchema).min(1).max(50),
    /** How long the hold lasts without a commit; the inventory default applies when absent. */
    ttlSeconds: z.number().int().min(1).max(86_400).optional(),
  })
  .strict();
export type ReserveStock = z.infer<typeof reserveStockSchema>;

export const reservationStatuses = ['HELD', 'COMMITTED', 'RELEASED'] as const;
export type ReservationStatus = (typeof reservationStatuses)[number];

export const reservationSchema = z.object({
  orderId: z.uuid(),
  status: z.enum(reservationStatuses),
  lines: z.array(orderLineSchema),
  expiresAt: z.iso.datetime(),
  /** Why a released reservation was released: `cancelled` or `expired`. */
  releaseReason: z.enum(['cancelled', 'expired']).optional(),
});
export type Reservation = z.infer<typeof reservationSchema>;

/** The body of a 409 answer to a reservation that cannot be served. */
export const outOfStockSchema = z.object({ sku: skuSchema, requested: z.number().int(), available: z.number().int() });
export type OutOfStockDetail = z.infer<typeof outOfStockSchema>;

import { z } from 'zod';

/** ISO 4217 code: three upper-case letters. */
export const currencySchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');

/** An amount in minor units (cents), so no float ever touches money. */
export const moneySchema = z.object({
  amountMinor: z.number().int().min(0).max(100_000_000),
  currency: currencySchema,
});
export type Money = z.infer<typeof moneySchema>;

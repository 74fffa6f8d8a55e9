import type { Money, OrderFailureReason, OrderStatus, PricedLine } from '@meshmart/contracts';
import type { OrderRefusal } from './order-refusal';

/** Where an order may go from each status; anything else is a bug, refused loudly. */
const transitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['RESERVED', 'FAILED', 'CANCELLED'],
  RESERVED: ['PAID', 'FAILED', 'CANCELLED'],
  PAID: ['CONFIRMED', 'FAILED'],
  CONFIRMED: [],
  CANCELLED: [],
  FAILED: [],
};

export class InvalidOrderTransition extends Error {
  override readonly name = 'InvalidOrderTransition';
  readonly retryable = false;

  constructor(
    readonly from: OrderStatus,
    readonly to: OrderStatus,
  ) {
    super(`an order cannot go from ${from} to ${to}`);
  }
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

/** The status after `to`, or a thrown InvalidOrderTransition. FAILED needs a reason. */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) throw new InvalidOrderTransition(from, to);
  return to;
}

export function isTerminal(status: OrderStatus): boolean {
  return transitions[status].length === 0;
}

/** The order total: the sum of quantity × unit price, in minor units, of one currency; lines in several are refused. */
export function orderTotal(lines: readonly PricedLine[]): Money | Extract<OrderRefusal, { refusal: 'mixed-currencies' }> {
  const currencies = [...new Set(lines.map((line) => line.unitPrice.currency))];
  if (currencies.length !== 1) return { refusal: 'mixed-currencies', currencies };
  const amountMinor = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice.amountMinor, 0);
  return { amountMinor, currency: currencies[0] as string };
}

export type { OrderFailureReason };

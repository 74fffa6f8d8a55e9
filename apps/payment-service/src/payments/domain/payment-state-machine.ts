import type { PaymentStatus } from '@meshmart/contracts';

/**
 * What can happen to a payment. `approve`, `decline` and `fail` settle a pending authorization
 * with the provider's answer (or its silence); the others are the order's commands.
 */
export type PaymentAction = 'approve' | 'decline' | 'fail' | 'capture' | 'void' | 'refund';

/**
 * What the state machine decides for one requested action:
 * - `move`: the payment changes state (and the change is announced);
 * - `none`: the action is already done, or there is nothing to undo — answered as success,
 *   so a retried or blind compensating call is safe;
 * - `refuse`: the action makes no sense in this state (e.g. capturing a declined payment).
 */
export type PaymentTransition =
  | { action: 'move'; from: PaymentStatus; to: PaymentStatus }
  | { action: 'none'; status: PaymentStatus }
  | { action: 'refuse'; status: PaymentStatus; requested: PaymentAction };

interface Rule {
  /** States the action moves from. */
  from: readonly PaymentStatus[];
  to: PaymentStatus;
  /** States in which the action is a successful no-op. */
  alreadyDone: readonly PaymentStatus[];
}

// The whole life of a payment in one table:
// PENDING → AUTHORIZED | DECLINED | FAILED; AUTHORIZED → CAPTURED | VOIDED; CAPTURED → REFUNDED.
const rules: Record<PaymentAction, Rule> = {
  // A settled authorization is never settled again: repeats are answered from the record.
  approve: { from: ['PENDING'], to: 'AUTHORIZED', alreadyDone: [] },
  decline: { from: ['PENDING'], to: 'DECLINED', alreadyDone: [] },
  fail: { from: ['PENDING'], to: 'FAILED', alreadyDone: [] },
  capture: { from: ['AUTHORIZED'], to: 'CAPTURED', alreadyDone: ['CAPTURED'] },
  // Nothing was authorized on a declined or failed payment, so voiding it is trivially done:
  // the order saga's compensation may void without first asking how the authorization went.
  void: { from: ['AUTHORIZED'], to: 'VOIDED', alreadyDone: ['VOIDED', 'DECLINED', 'FAILED'] },
  refund: { from: ['CAPTURED'], to: 'REFUNDED', alreadyDone: ['REFUNDED'] },
};

/**
 * Decides what `action` does to a payment in `status`. Pure: the caller applies the answer.
 * @example transition('AUTHORIZED', 'capture'); // { action: 'move', from: 'AUTHORIZED', to: 'CAPTURED' }
 * @example transition('DECLINED', 'capture'); // { action: 'refuse', status: 'DECLINED', requested: 'capture' }
 */
export function transition(status: PaymentStatus, action: PaymentAction): PaymentTransition {
  const rule = rules[action];
  if (rule.from.includes(status)) return { action: 'move', from: status, to: rule.to };
  if (rule.alreadyDone.includes(status)) return { action: 'none', status };
  return { action: 'refuse', status, requested: action };
}

/** Why a payment ended DECLINED or FAILED; the provider may add reasons of its own for declines. */
export const paymentFailureReasons = {
  /** The provider said no. */
  cardDeclined: 'card_declined',
  /** The provider did not answer in time; the payment is FAILED, not DECLINED. */
  providerTimeout: 'provider_timeout',
} as const;

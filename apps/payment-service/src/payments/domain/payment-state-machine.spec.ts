import { describe, expect, it } from 'vitest';
import { type PaymentStatus, paymentStatuses } from '@meshmart/contracts';
import { type PaymentAction, type PaymentTransition, transition } from './payment-state-machine';

type Expected = { to: PaymentStatus } | 'unchanged';

// Every (status, action) pair not listed here must be refused.
const allowed: Record<PaymentAction, Partial<Record<PaymentStatus, Expected>>> = {
  approve: { PENDING: { to: 'AUTHORIZED' } },
  decline: { PENDING: { to: 'DECLINED' } },
  fail: { PENDING: { to: 'FAILED' } },
  capture: { AUTHORIZED: { to: 'CAPTURED' }, CAPTURED: 'unchanged' },
  void: { AUTHORIZED: { to: 'VOIDED' }, VOIDED: 'unchanged', DECLINED: 'unchanged', FAILED: 'unchanged' },
  refund: { CAPTURED: { to: 'REFUNDED' }, REFUNDED: 'unchanged' },
};

const actions = Object.keys(allowed) as PaymentAction[];
const cases = actions.flatMap((action) => paymentStatuses.map((status) => [status, action] as const));

function expectedTransition(status: PaymentStatus, action: PaymentAction): PaymentTransition {
  const expected = allowed[action][status];
  if (expected === undefined) return { action: 'refuse', status, requested: action };
  if (expected === 'unchanged') return { action: 'none', status };
  return { action: 'move', from: status, to: expected.to };
}

describe('the payment state machine', () => {
  it.each(cases)('%s + %s', (status, action) => {
    expect(transition(status, action)).toEqual(expectedTransition(status, action));
  });

  it('moves only along PENDING → AUTHORIZED|DECLINED|FAILED, AUTHORIZED → CAPTURED|VOIDED, CAPTURED → REFUNDED', () => {
    const moves = cases
      .map(([status, action]) => transition(status, action))
      .filter((result) => result.action === 'move')
      .map((result) => `${result.from}→${result.to}`)
      .sort();
    expect(moves).toEqual(['AUTHORIZED→CAPTURED', 'AUTHORIZED→VOIDED', 'CAPTURED→REFUNDED', 'PENDING→AUTHORIZED', 'PENDING→DECLINED', 'PENDING→FAILED']);
  });

  it('never leaves a final state', () => {
    for (const status of ['DECLINED', 'FAILED', 'VOIDED', 'REFUNDED'] as const) {
      expect(actions.map((action) => transition(status, action).action)).not.toContain('move');
    }
  });

  it('refuses to capture or refund what was never authorized', () => {
    for (const status of ['PENDING', 'DECLINED', 'FAILED'] as const) {
      expect(transition(status, 'capture').action).toBe('refuse');
      expect(transition(status, 'refund').action).toBe('refuse');
    }
  });

  it('refuses to void a captured or refunded payment: that takes a refund', () => {
    expect(transition('CAPTURED', 'void')).toEqual({ action: 'refuse', status: 'CAPTURED', requested: 'void' });
    expect(transition('REFUNDED', 'void')).toEqual({ action: 'refuse', status: 'REFUNDED', requested: 'void' });
  });
});

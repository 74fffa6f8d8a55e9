import { sharedProblemOf, valueOrThrow } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import type { OrderRefusal } from './orders/domain/order-refusal';

/**
 * The one place where order's refusals become problem documents: the status, the stable slug
 * clients branch on (`https://meshmart.dev/problems/<slug>`) and the extension members.
 * Refusals other services give too are worded by `sharedProblemOf` (@meshmart/contracts).
 */
export function problemOf(refusal: OrderRefusal): ProblemException {
  switch (refusal.refusal) {
    case 'mixed-currencies':
      return new ProblemException(
        422,
        'mixed-currencies',
        'mixed currencies',
        `an order is paid in one currency; the lines use ${refusal.currencies.join(', ')}`,
      );
    case 'unknown-order':
      // Another user's order is as good as unknown: the detail says no more than that.
      return new ProblemException(404, 'unknown-order', 'unknown order', `no order ${refusal.orderId} for this user`);
    case 'idempotency-key-reused':
      return ProblemException.of(sharedProblemOf(refusal));
  }
}

/**
 * The value of a call that may refuse, for a controller to answer with; a refusal is thrown as
 * its problem, which the mesh's problem+json filter sends.
 * @example return answerOrThrow(await this.checkout.place(command, key));
 */
export function answerOrThrow<T extends object>(outcome: T | OrderRefusal): T {
  return valueOrThrow<T, OrderRefusal>(outcome, problemOf);
}

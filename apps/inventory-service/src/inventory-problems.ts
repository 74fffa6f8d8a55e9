import { sharedProblemOf, valueOrThrow } from '@meshmart/contracts';
import { InvalidRequest, ProblemException } from '@meshmart/mesh';
import type { InventoryRefusal } from './reservations/domain/inventory-refusal';

/**
 * The one place where inventory's refusals become problem documents: the status, the stable
 * slug clients branch on (`https://meshmart.dev/problems/<slug>`) and the extension members.
 * Refusals other services give too are worded by `sharedProblemOf` (@meshmart/contracts).
 */
export function problemOf(refusal: InventoryRefusal): ProblemException | InvalidRequest {
  switch (refusal.refusal) {
    case 'duplicate-sku':
      // The same 400 as any other malformed body, naming the offending line.
      return new InvalidRequest([{ path: `lines.${refusal.index}.sku`, message: `${refusal.sku} is on an earlier line: name each sku once` }]);
    case 'unknown-product':
    case 'out-of-stock':
      return ProblemException.of(sharedProblemOf(refusal));
    case 'reservation-conflict':
      return new ProblemException(
        409,
        'reservation-conflict',
        'reservation conflict',
        `order ${refusal.orderId} already holds a reservation with other lines`,
        { orderId: refusal.orderId },
      );
    case 'unknown-reservation':
      return new ProblemException(404, 'unknown-reservation', 'unknown reservation', `order ${refusal.orderId} holds no reservation`, {
        orderId: refusal.orderId,
      });
    case 'reservation-released':
      return new ProblemException(
        409,
        'reservation-released',
        'reservation released',
        `the reservation of order ${refusal.orderId} was released (${refusal.releaseReason})`,
        {
          orderId: refusal.orderId,
          releaseReason: refusal.releaseReason,
        },
      );
    case 'reservation-committed':
      return new ProblemException(
        409,
        'reservation-committed',
        'reservation committed',
        `the reservation of order ${refusal.orderId} is committed: its stock is sold`,
        { orderId: refusal.orderId },
      );
  }
}

/**
 * The value of a call that may refuse, for a controller to answer with; a refusal is thrown as
 * its problem, which the mesh's problem+json filter sends.
 * @example return answerOrThrow(await this.reservations.commit(orderId));
 */
export function answerOrThrow<T extends object>(outcome: T | InventoryRefusal): T {
  return valueOrThrow<T, InventoryRefusal>(outcome, problemOf);
}

import type { OutOfStockDetail } from './reservations';

/**
 * An expected "no" from a service: a typed value, never an exception, told apart from the value
 * a call returns when it succeeds by its one discriminant, `refusal`. The slug is the problem
 * type's (`https://meshmart.dev/problems/<slug>`) when the refusal reaches HTTP; a success value
 * never has a `refusal` member.
 * Each service writes its refusals as one union of object types, `<Service>Refusal`.
 * @example type CartRefusal = { refusal: 'empty-cart' } | UnknownProduct | …;
 */
export interface Refusal<Slug extends string = string> {
  refusal: Slug;
}

/**
 * Tells the refusals of a result from its value.
 * @example const outcome = await reservations.commit(orderId); // Reservation | InventoryRefusal
 * if (isRefusal(outcome)) return problemOf(outcome);
 */
export function isRefusal<T extends object>(outcome: T): outcome is Extract<T, Refusal> {
  return 'refusal' in outcome;
}

/**
 * The value of a result; its refusal is thrown as what `problemOf` makes of it. A service's
 * problems file binds it to its own `problemOf`, for controllers to answer with.
 * @example export const answerOrThrow = <T extends object>(outcome: T | CartRefusal): T => valueOrThrow<T, CartRefusal>(outcome, problemOf);
 */
export function valueOrThrow<T extends object, R extends Refusal>(outcome: T | R, problemOf: (refusal: R) => Error): T {
  // T is the value of a call, so whatever has a `refusal` member is one of its refusals, R.
  if (isRefusal(outcome)) throw problemOf(outcome as R);
  return outcome as T;
}

/**
 * The answer to an idempotent create (an idempotency key, or a natural key such as the order of
 * a reservation): what it made, or what an earlier call with the same key made (`replayed`).
 * On HTTP a new one is 201 and a replay 200 with the same body (`replayStatus`).
 * @example return { value: reservation, replayed: true };
 */
export interface Replayable<T> {
  readonly value: T;
  readonly replayed: boolean;
}

/** The HTTP status of an idempotent create: 201 when it made something, 200 for a replay. */
export function replayStatus(answer: Replayable<unknown>): 200 | 201 {
  return answer.replayed ? 200 : 201;
}

/** The idempotency key came before with a different request: refused, nothing is done. */
export interface IdempotencyKeyReused {
  refusal: 'idempotency-key-reused';
}
export const idempotencyKeyReused: IdempotencyKeyReused = { refusal: 'idempotency-key-reused' };

/** Inventory does not sell this sku. */
export interface UnknownProduct {
  refusal: 'unknown-product';
  sku: string;
}

/** More units were asked for than inventory can hold. */
export type OutOfStock = { refusal: 'out-of-stock' } & OutOfStockDetail;

/**
 * The parts of a problem document (RFC 9457) that do not depend on the request: `slug` makes
 * the type URI, `extensions` are the members beside the standard ones. A service's problems file
 * turns it into the mesh's `ProblemException`.
 */
export interface ProblemTemplate {
  readonly status: number;
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/** A refusal more than one service gives. */
export type SharedRefusal = IdempotencyKeyReused | UnknownProduct | OutOfStock;

/**
 * The problem documents of the refusals more than one service gives, worded once so that every
 * service answers them alike. (The `Idempotency-Key` header itself is checked by the mesh's
 * `@IdempotencyKey()`: 400 `idempotency-key-required`.)
 * @example sharedProblemOf({ refusal: 'unknown-product', sku: 'MUG-001' }); // { status: 404, slug: 'unknown-product', … }
 */
export function sharedProblemOf(refusal: SharedRefusal): ProblemTemplate {
  switch (refusal.refusal) {
    case 'idempotency-key-reused':
      // 422: the key belongs to another request; a new request needs a new key.
      return {
        status: 422,
        slug: refusal.refusal,
        title: 'idempotency key reused',
        detail: 'this Idempotency-Key was used for a different request; use a new key for a new request',
      };
    case 'unknown-product':
      return { status: 404, slug: refusal.refusal, title: 'unknown product', detail: `no product has sku ${refusal.sku}`, extensions: { sku: refusal.sku } };
    case 'out-of-stock': {
      const { sku, requested, available } = refusal;
      return {
        status: 409,
        slug: refusal.refusal,
        title: 'not enough stock',
        detail: `${requested} of ${sku} requested, ${available} available`,
        extensions: { sku, requested, available },
      };
    }
  }
}

import { isRefusal, type OrderFailureReason, type OrderStatus } from '@meshmart/contracts';

/**
 * The checkout saga, as data: reserve stock → authorize payment → commit stock → capture
 * payment, and compensation (release stock, void payment) when any step is refused. Plain
 * TypeScript: the runner does the I/O and asks this module what comes next.
 */
export const sagaSteps = ['RESERVE_STOCK', 'AUTHORIZE_PAYMENT', 'COMMIT_STOCK', 'CAPTURE_PAYMENT', 'COMPENSATE', 'DONE'] as const;
export type SagaStep = (typeof sagaSteps)[number];

/**
 * What a participant answered to one step: done, a refusal (`isRefusal` tells it) or, when
 * there was no answer to decide on, `unavailable` or `failed` as MeshMart's one retry rule
 * (`classifyFailure`) calls the failure: transient or poison.
 */
export type StepOutcome =
  | { done: true; paymentId?: string }
  /** A business refusal (no stock, card declined…), the order's failure reason: nothing will change by retrying. */
  | { refusal: OrderFailureReason; paymentId?: string }
  /** The participant could not be reached or failed (why): the same step runs again later. */
  | { unavailable: string }
  /**
   * The step failed in a way retrying cannot mend (a bug, an answer nobody understands): a
   * step that may still be abandoned fails the order (`internal_error`) instead of retrying
   * to the deadline; one past the point of no return is tried again like `unavailable`,
   * since stock and money must settle (the participants log it as an error).
   */
  | { failed: string };

export interface SagaState {
  step: SagaStep;
  /** Set once compensation starts: what the failed order will say. */
  failureReason: OrderFailureReason | undefined;
  paymentId: string | undefined;
  /** Failed tries of the current step. */
  attempts: number;
  /** When forward steps stop being tried and the saga compensates with `saga_timeout`. */
  deadlineAt: Date;
}

export interface SagaDecision {
  state: SagaState;
  /** The order's new status, when it changes. */
  orderStatus?: OrderStatus;
  /** When to try again (only after an `unavailable` outcome, or `failed` past the point of no return). */
  retryAt?: Date;
}

/** Steps that may still be abandoned: before stock is committed, nothing is final. */
const abandonable: readonly SagaStep[] = ['RESERVE_STOCK', 'AUTHORIZE_PAYMENT'];

const forward: Partial<Record<SagaStep, { next: SagaStep; orderStatus?: OrderStatus }>> = {
  RESERVE_STOCK: { next: 'AUTHORIZE_PAYMENT', orderStatus: 'RESERVED' },
  AUTHORIZE_PAYMENT: { next: 'COMMIT_STOCK', orderStatus: 'PAID' },
  COMMIT_STOCK: { next: 'CAPTURE_PAYMENT' },
  CAPTURE_PAYMENT: { next: 'DONE', orderStatus: 'CONFIRMED' },
  COMPENSATE: { next: 'DONE', orderStatus: 'FAILED' },
};

/** A fresh saga for a just-placed order. */
export function startSaga(now: Date, timeoutMs: number): SagaState {
  return { step: 'RESERVE_STOCK', failureReason: undefined, paymentId: undefined, attempts: 0, deadlineAt: new Date(now.getTime() + timeoutMs) };
}

/**
 * The saga before running a step at `now`: a forward step past the deadline turns into
 * compensation (`saga_timeout`); once stock is committed the saga only goes forward.
 */
export function beforeStep(state: SagaState, now: Date): SagaState {
  if (abandonable.includes(state.step) && now >= state.deadlineAt) return { ...state, step: 'COMPENSATE', failureReason: 'saga_timeout', attempts: 0 };
  return state;
}

/**
 * What follows `outcome` of the current step. An unavailable participant is tried again after
 * `backoffMs(attempts)` (the runner passes the mesh's back-off; the domain only counts).
 */
export function afterStep(state: SagaState, outcome: StepOutcome, now: Date, backoffMs: (attempts: number) => number): SagaDecision {
  if (state.step === 'DONE') return { state };
  if ('failed' in outcome && abandonable.includes(state.step)) return { state: { ...state, step: 'COMPENSATE', failureReason: 'internal_error', attempts: 0 } };
  if ('unavailable' in outcome || 'failed' in outcome) {
    const attempts = state.attempts + 1;
    return { state: { ...state, attempts }, retryAt: new Date(now.getTime() + backoffMs(attempts)) };
  }
  const paymentId = outcome.paymentId ?? state.paymentId;
  if (isRefusal(outcome)) {
    if (state.step === 'COMPENSATE') throw new Error('compensation cannot be refused');
    if (!abandonable.includes(state.step) && state.step !== 'COMMIT_STOCK') throw new Error(`step ${state.step} cannot be refused`);
    return { state: { ...state, step: 'COMPENSATE', failureReason: outcome.refusal, paymentId, attempts: 0 } };
  }
  const { next, orderStatus } = forward[state.step] as { next: SagaStep; orderStatus?: OrderStatus };
  const decided: SagaDecision = { state: { ...state, step: next, paymentId, attempts: 0 } };
  if (orderStatus) decided.orderStatus = orderStatus;
  return decided;
}

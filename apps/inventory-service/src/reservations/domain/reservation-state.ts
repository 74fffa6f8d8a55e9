import type { ReservationStatus } from '@meshmart/contracts';

/** Why a hold ended without a sale: the order was cancelled, or nobody committed it in time. */
export type ReleaseReason = 'cancelled' | 'expired';

/** What the rules need to know of a reservation. */
export interface ReservationState {
  status: ReservationStatus;
  expiresAt: Date;
  releaseReason?: ReleaseReason | null;
}

/** When a hold made at `now` for `ttlSeconds` runs out. */
export function expiryOf(now: Date, ttlSeconds: number): Date {
  return new Date(now.getTime() + ttlSeconds * 1_000);
}

/**
 * Whether a hold has run out. A held reservation past `expiresAt` is expired from that
 * instant, whether or not the sweeper has released it yet, so what a caller sees does not
 * depend on when the sweeper last ran.
 */
export function isExpired(state: ReservationState, now: Date): boolean {
  return state.status === 'HELD' && state.expiresAt.getTime() <= now.getTime();
}

/**
 * What committing does: `commit` a live hold; nothing more for a committed one (a repeated
 * commit answers the same); `expire` a hold that ran out (release it as expired, then refuse);
 * `refuse` a released one.
 */
export type CommitDecision = { action: 'commit' } | { action: 'none' } | { action: 'expire' } | { action: 'refuse'; releaseReason: ReleaseReason };

export function decideCommit(state: ReservationState, now: Date): CommitDecision {
  switch (state.status) {
    case 'COMMITTED':
      return { action: 'none' };
    case 'RELEASED':
      return { action: 'refuse', releaseReason: state.releaseReason ?? 'cancelled' };
    case 'HELD':
      return isExpired(state, now) ? { action: 'expire' } : { action: 'commit' };
  }
}

/**
 * What releasing does: `release` a hold (as `expired` if it ran out, else for `reason`);
 * nothing more for a released one, so its stock comes back once; `refuse` a committed one,
 * whose stock is sold.
 */
export type ReleaseDecision = { action: 'release'; reason: ReleaseReason } | { action: 'none' } | { action: 'refuse' };

export function decideRelease(state: ReservationState, reason: ReleaseReason, now: Date): ReleaseDecision {
  switch (state.status) {
    case 'RELEASED':
      return { action: 'none' };
    case 'COMMITTED':
      return { action: 'refuse' };
    case 'HELD':
      return { action: 'release', reason: isExpired(state, now) ? 'expired' : reason };
  }
}

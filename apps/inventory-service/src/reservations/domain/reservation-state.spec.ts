import { describe, expect, it } from 'vitest';
import { decideCommit, decideRelease, expiryOf, isExpired, type ReservationState } from './reservation-state';

const now = new Date('2030-01-01T12:00:00.000Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const held = (expiresAt = later(60_000)): ReservationState => ({ status: 'HELD', expiresAt });

describe('expiry', () => {
  it('puts the end of a hold ttlSeconds after now', () => {
    expect(expiryOf(now, 900).toISOString()).toBe('2030-01-01T12:15:00.000Z');
  });

  it('calls a hold expired from its expiresAt on, and only a held one', () => {
    expect(isExpired(held(later(1)), now)).toBe(false);
    expect(isExpired(held(now), now)).toBe(true);
    expect(isExpired(held(later(-1)), now)).toBe(true);
    expect(isExpired({ status: 'COMMITTED', expiresAt: later(-1) }, now)).toBe(false);
    expect(isExpired({ status: 'RELEASED', expiresAt: later(-1), releaseReason: 'cancelled' }, now)).toBe(false);
  });
});

describe('commit', () => {
  it('commits a live hold', () => {
    expect(decideCommit(held(), now)).toEqual({ action: 'commit' });
  });

  it('does nothing more to a committed reservation (a repeated commit answers the same)', () => {
    expect(decideCommit({ status: 'COMMITTED', expiresAt: later(-1) }, now)).toEqual({ action: 'none' });
  });

  it('refuses a released reservation, saying why it was released', () => {
    expect(decideCommit({ status: 'RELEASED', expiresAt: later(1), releaseReason: 'cancelled' }, now)).toEqual({
      action: 'refuse',
      releaseReason: 'cancelled',
    });
    expect(decideCommit({ status: 'RELEASED', expiresAt: later(-1), releaseReason: 'expired' }, now)).toEqual({ action: 'refuse', releaseReason: 'expired' });
  });

  it('expires a hold that ran out before the sweeper got to it, instead of committing it', () => {
    expect(decideCommit(held(now), now)).toEqual({ action: 'expire' });
  });
});

describe('release', () => {
  it('releases a live hold for the reason given', () => {
    expect(decideRelease(held(), 'cancelled', now)).toEqual({ action: 'release', reason: 'cancelled' });
  });

  it('releases a hold that ran out as expired, whoever asks', () => {
    expect(decideRelease(held(later(-1)), 'cancelled', now)).toEqual({ action: 'release', reason: 'expired' });
    expect(decideRelease(held(later(-1)), 'expired', now)).toEqual({ action: 'release', reason: 'expired' });
  });

  it('does nothing more to a released reservation, so its stock comes back once', () => {
    expect(decideRelease({ status: 'RELEASED', expiresAt: later(1), releaseReason: 'cancelled' }, 'cancelled', now)).toEqual({ action: 'none' });
    expect(decideRelease({ status: 'RELEASED', expiresAt: later(-1), releaseReason: 'expired' }, 'expired', now)).toEqual({ action: 'none' });
  });

  it('refuses a committed reservation: its stock is sold', () => {
    expect(decideRelease({ status: 'COMMITTED', expiresAt: later(1) }, 'cancelled', now)).toEqual({ action: 'refuse' });
    expect(decideRelease({ status: 'COMMITTED', expiresAt: later(-1) }, 'expired', now)).toEqual({ action: 'refuse' });
  });
});

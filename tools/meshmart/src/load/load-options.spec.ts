import { describe, expect, it } from 'vitest';
import { isLoopbackHost, LoadUsageError, parseLoadOptions } from './load-options';

const base = { url: 'http://127.0.0.1:8080', 'jwt-secret': 'k' };
const refusal = (flags: Record<string, string | boolean | undefined>) => {
  try {
    parseLoadOptions({ ...base, ...flags });
  } catch (error) {
    expect(error).toBeInstanceOf(LoadUsageError);
    return (error as Error).message;
  }
  throw new Error('accepted');
};

describe('parseLoadOptions', () => {
  it('defaults to a 30 s mixed closed loop of 4 shoppers, 10 % declined cards, 1 % error budget', () => {
    expect(parseLoadOptions(base)).toMatchObject({
      scenario: 'mix',
      loop: { kind: 'closed', shoppers: 4 },
      durationMs: 30_000,
      count: undefined,
      declinedShare: 0.1,
      timeoutShare: 0,
      maxErrorRate: 0.01,
    });
  });

  it('takes an open loop from --rate, bounded by duration and count', () => {
    expect(parseLoadOptions({ ...base, rate: '12.5', duration: '3', count: '40', scenario: 'checkout' })).toMatchObject({
      scenario: 'checkout',
      loop: { kind: 'open', ratePerSecond: 12.5 },
      durationMs: 3_000,
      count: 40,
    });
  });

  it('drops a trailing slash from the URL', () => {
    expect(parseLoadOptions({ ...base, url: 'http://localhost:8080/' }).url).toBe('http://localhost:8080');
  });

  it.each([
    [{ rate: '0' }, '--rate takes a rate > 0 (journeys per second)'],
    [{ rate: '-3' }, '--rate takes a rate > 0 (journeys per second)'],
    [{ rate: 'fast' }, '--rate takes a rate > 0 (journeys per second)'],
    [{ scenario: 'buy' }, '--scenario takes one of browse, cart, checkout, mix'],
    [{ shoppers: '2.5' }, '--shoppers takes a whole number of shoppers ≥ 1'],
    [{ shoppers: '4', rate: '2' }, 'give --shoppers (closed loop) or --rate (open loop), not both'],
    [{ declined: '1.5' }, '--declined takes a share between 0 and 1'],
    [{ declined: '0.7', timeouts: '0.4' }, '--declined and --timeouts together cannot exceed 1'],
    [{ url: 'ftp://x' }, '--url takes an http(s) URL, e.g. http://localhost:8080'],
    [{ url: 'not a url' }, '--url takes an http(s) URL, e.g. http://localhost:8080'],
    [{ 'jwt-secret': undefined }, 'no JWT key: give --jwt-secret or --jwt-key (a PEM private key file); the demo keeps its key in .meshmart/demo-jwt-secret'],
    [{ duration: '0' }, '--duration takes a number of seconds > 0'],
  ])('refuses %o with one line naming the flag', (flags, message) => {
    expect(refusal(flags)).toBe(message);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'api.localhost', '[::1]', '::1', 'LOCALHOST'])('%s is this machine', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['10.0.0.1', '192.168.1.2', 'example.com', '127.example.com', '0.0.0.0', '[::]', '128.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

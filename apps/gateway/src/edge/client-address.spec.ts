import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it('is the socket peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.7', { 'x-forwarded-for': '198.51.100.1' }, 0)).toBe('203.0.113.7');
  });

  it('behind trusted proxies, is the entry the outermost one appended, never what the client wrote before it', () => {
    expect(clientAddress('10.0.0.2', { 'x-forwarded-for': '198.51.100.1' }, 1)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.2', { 'x-forwarded-for': 'forged, 198.51.100.1' }, 1)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.2', { 'x-forwarded-for': 'forged, 198.51.100.1, 10.0.0.9' }, 2)).toBe('198.51.100.1');
  });

  it('falls back to the socket peer when fewer proxies appended than are trusted', () => {
    expect(clientAddress('10.0.0.2', {}, 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', { 'x-forwarded-for': '198.51.100.1' }, 2)).toBe('10.0.0.2');
  });
});

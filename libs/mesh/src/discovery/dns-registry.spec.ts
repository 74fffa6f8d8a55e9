import { type LookupAddress } from 'node:dns';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DnsRegistry, type DnsLookup } from './dns-registry';
import { type ServiceInstance } from './service-instance';

/** A resolver whose answer the test changes; records every name asked for. */
function scriptedLookup(initial: string[]) {
  let answer: string[] | Error = initial;
  const asked: string[] = [];
  const lookup: DnsLookup = (hostname) => {
    asked.push(hostname);
    if (answer instanceof Error) return Promise.reject(answer);
    return Promise.resolve(answer.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 })));
  };
  return { lookup, asked, answer: (next: string[] | Error) => void (answer = next) };
}

function dnsError(code: string): Error {
  return Object.assign(new Error(`queryA ${code} inventory-service`), { code });
}

function at(address: string): ServiceInstance {
  return {
    id: `inventory-service@${address}:8443`,
    service: 'inventory-service',
    address,
    port: 8443,
    zone: 'zone-b',
    version: 'unknown',
    weight: 1,
    healthy: true,
  };
}

describe('DnsRegistry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('resolves the service name to one instance per address, on the configured port and zone', async () => {
    const dns = scriptedLookup(['10.0.0.2', '10.0.0.1', '10.0.0.1']);
    const registry = new DnsRegistry({ port: 8443, zone: 'zone-b', lookup: dns.lookup });
    const view = await registry.watch('inventory-service');
    expect(dns.asked).toEqual(['inventory-service']);
    expect(view.instances()).toEqual([at('10.0.0.1'), at('10.0.0.2')]);
    await registry.close();
  });

  it('refreshes every refreshMs and tells listeners of added and removed addresses, and only of changes', async () => {
    const dns = scriptedLookup(['10.0.0.1']);
    const registry = new DnsRegistry({ port: 8443, zone: 'zone-b', refreshMs: 1_000, lookup: dns.lookup });
    const view = await registry.watch('inventory-service');
    const heard = vi.fn();
    view.onChange(heard);

    await vi.advanceTimersByTimeAsync(1_000);
    expect(dns.asked).toHaveLength(2);
    expect(heard).not.toHaveBeenCalled(); // same answer: no notification

    dns.answer(['10.0.0.1', '10.0.0.2']);
    await vi.advanceTimersByTimeAsync(999);
    expect(heard).not.toHaveBeenCalled(); // not before refreshMs
    await vi.advanceTimersByTimeAsync(1);
    expect(heard).toHaveBeenLastCalledWith([at('10.0.0.1'), at('10.0.0.2')]);

    dns.answer(['10.0.0.2']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heard).toHaveBeenLastCalledWith([at('10.0.0.2')]);
    expect(view.instances()).toEqual([at('10.0.0.2')]);
    expect(heard).toHaveBeenCalledTimes(2);
    await registry.close();
  });

  it('treats a name that does not exist as no instances, then finds them when it appears', async () => {
    const dns = scriptedLookup([]);
    dns.answer(dnsError('ENOTFOUND'));
    const registry = new DnsRegistry({ port: 8443, zone: 'zone-b', refreshMs: 500, lookup: dns.lookup });
    const view = await registry.watch('inventory-service');
    expect(view.instances()).toEqual([]);

    dns.answer(['10.0.0.7']);
    await vi.advanceTimersByTimeAsync(500);
    expect(view.instances()).toEqual([at('10.0.0.7')]);
    await registry.close();
  });

  it('keeps the last answer and reports the failure when a refresh fails', async () => {
    const dns = scriptedLookup(['10.0.0.1']);
    const reported: unknown[] = [];
    const registry = new DnsRegistry({ port: 8443, zone: 'zone-b', refreshMs: 500, lookup: dns.lookup, onError: (error) => reported.push(error) });
    const view = await registry.watch('inventory-service');

    dns.answer(dnsError('EAI_AGAIN'));
    await vi.advanceTimersByTimeAsync(500);
    expect(view.instances()).toEqual([at('10.0.0.1')]);
    expect(reported).toEqual([expect.objectContaining({ code: 'discovery_failed', retryable: true })]);

    dns.answer(['10.0.0.3']);
    await vi.advanceTimersByTimeAsync(500);
    expect(view.instances()).toEqual([at('10.0.0.3')]);
    await registry.close();
  });

  it('rejects watch when the first lookup fails for another reason than a missing name', async () => {
    const dns = scriptedLookup([]);
    dns.answer(dnsError('ESERVFAIL'));
    const registry = new DnsRegistry({ port: 8443, lookup: dns.lookup });
    await expect(registry.watch('inventory-service')).rejects.toMatchObject({ code: 'discovery_failed' });
  });

  it('stops resolving once the view is closed', async () => {
    const dns = scriptedLookup(['10.0.0.1']);
    const registry = new DnsRegistry({ port: 8443, refreshMs: 100, lookup: dns.lookup });
    const view = await registry.watch('inventory-service');
    await view.close();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(dns.asked).toHaveLength(1);
  });

  it('registers nothing, but keeps the shape of a registration', async () => {
    const dns = scriptedLookup([]);
    const registry = new DnsRegistry({ port: 8443, lookup: dns.lookup });
    const registration = await registry.register(at('10.0.0.1'));
    await registration.update({ healthy: false });
    expect(registration.instance).toEqual({ ...at('10.0.0.1'), healthy: false });
    await registration.deregister();
    expect(dns.asked).toEqual([]);
    await registry.close();
    await expect(registry.register(at('10.0.0.1'))).rejects.toMatchObject({ code: 'registry_closed' });
  });

  it('refuses options that cannot work', () => {
    expect(() => new DnsRegistry({ port: 0 })).toThrow(RangeError);
    expect(() => new DnsRegistry({ port: 8443, refreshMs: 0 })).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../discovery/service-instance';
import { NoRoute, PerTryTimeout, UpstreamTraffic } from './upstream-traffic';

const canary = {
  apiVersion: 'meshmart.dev/v1',
  kind: 'TrafficPolicy',
  metadata: { name: 'canary' },
  spec: {
    host: 'payment-service',
    subsets: [
      { name: 'v1', labels: { version: '1' } },
      { name: 'v2', labels: { version: '2' } },
    ],
    http: [
      { match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { subset: 'v2' } }] },
      {
        route: [
          { destination: { subset: 'v1' }, weight: 90 },
          { destination: { subset: 'v2' }, weight: 10 },
        ],
        timeout: '300ms',
      },
    ],
  },
};

const instance = (id: string, version: string, zone = 'a'): ServiceInstance => ({
  id,
  service: 'payment-service',
  address: '127.0.0.1',
  port: 1,
  zone,
  version,
  weight: 1,
  healthy: true,
});
const fleet = [instance('p1', '1'), instance('p2', '1'), instance('p3', '2')];

function traffic(random = () => 0.5) {
  const rejected: string[] = [];
  const applied: unknown[] = [];
  const upstream = new UpstreamTraffic({
    service: 'payment-service',
    callerZone: 'a',
    random,
    onRejected: (problem) => rejected.push(problem),
    onApplied: (active) => applied.push(active),
  });
  const put = (kind: 'policy' | 'fault', value: unknown, version: string) =>
    upstream.update({ kind, service: 'payment-service', value: value === undefined ? undefined : JSON.stringify(value), version });
  return { upstream, rejected, applied, put };
}

describe('UpstreamTraffic', () => {
  // What it costs per call is measured by `npm run bench -- mesh` (the routing step's line).
  it('routes nothing without a policy: no decision, nothing told of a routed call', () => {
    const routed: unknown[] = [];
    const upstream = new UpstreamTraffic({ service: 'payment-service', callerZone: 'a', onRouted: (decision) => routed.push(decision) });
    expect(upstream.route('GET', '/payments/1', { accept: 'application/json' })).toBeUndefined();
    expect(upstream.route('POST', '/payments', { 'x-canary': 'always' })).toBeUndefined();
    expect(routed).toEqual([]);
  });

  it('applies a policy from its key: header route, split, subset candidates, version', () => {
    const { upstream, put } = traffic();
    put('policy', canary, '41');
    expect(upstream.active).toEqual({ version: '41', fault: undefined });
    const byHeader = upstream.route('GET', '/', { 'x-canary': 'always' });
    expect(byHeader && upstream.candidates(byHeader, fleet, fleet).map((i) => i.id)).toEqual(['p3']);
    const split = upstream.route('GET', '/', {});
    expect(split).toMatchObject({ subset: 'v1', timeoutMs: 300 });
    expect(split && upstream.candidates(split, fleet, fleet).map((i) => i.id)).toEqual(['p1', 'p2']);
  });

  it('ignores a malformed document, naming why, and keeps the last good policy', () => {
    const { upstream, put, rejected } = traffic();
    put('policy', canary, '41');
    upstream.update({ kind: 'policy', service: 'payment-service', value: '{not json', version: '42' });
    put('policy', { ...canary, spec: { ...canary.spec, http: [{ route: [{ destination: { subset: 'v9' } }] }] } }, '43');
    expect(upstream.active.version).toBe('41');
    expect(rejected).toHaveLength(2);
    expect(rejected[1]).toContain('spec.http[0].route[0].destination.subset: no subset named "v9"');
  });

  it('goes back to plain balancing when the policy is deleted', () => {
    const { upstream, put } = traffic();
    put('policy', canary, '41');
    put('policy', undefined, '44');
    expect(upstream.route('GET', '/', { 'x-canary': 'always' })).toBeUndefined();
    expect(upstream.active.version).toBeUndefined();
  });

  it('merges an injected fault onto every route, with or without a policy, until its key goes', async () => {
    const { upstream, put } = traffic(() => 0);
    const fault = { fault: { abort: { httpStatus: 503, percentage: { value: 20 } } }, expiresAt: new Date().toISOString() };
    put('fault', fault, '50');
    const plain = upstream.route('GET', '/', {});
    expect(plain && (await upstream.applyFault(plain, new AbortController().signal))).toEqual({ delayMs: 0, abortStatus: 503 });
    put('policy', canary, '51');
    for (const headers of [{ 'x-canary': 'always' }, {}]) {
      const route = upstream.route('GET', '/', headers);
      expect(route?.fault).toMatchObject({ abortStatus: 503, abortPercent: 20 });
    }
    expect(upstream.active).toEqual({ version: '51', fault: { version: '50', expiresAt: fault.expiresAt } });
    put('fault', undefined, '52');
    expect(upstream.route('GET', '/', {})?.fault).toBeUndefined();
  });

  it('throws NoRoute (404) when the routes all miss', () => {
    const { upstream, put } = traffic();
    put('policy', { ...canary, spec: { ...canary.spec, http: [canary.spec.http[0]] } }, '60');
    expect(() => upstream.route('GET', '/', {})).toThrow(NoRoute);
  });

  it('keeps calls in the caller zone and spills when it is short of healthy instances', () => {
    const { upstream, put } = traffic(() => 0.8);
    put('policy', { ...canary, spec: { host: 'payment-service', trafficPolicy: { locality: { enabled: true } } } }, '70');
    const zoned = [instance('a1', '1', 'a'), instance('a2', '1', 'a'), instance('b1', '1', 'b')];
    const route = upstream.route('GET', '/', {});
    if (!route) throw new Error('expected a route');
    expect(upstream.candidates(route, zoned, zoned).map((i) => i.id)).toEqual(['a1', 'a2']);
    // One of two local instances ejected: 50 % × 1.4 = 70 % local, the draw of 0.8 goes to b.
    expect(upstream.candidates(route, zoned, [zoned[0], zoned[2]] as ServiceInstance[]).map((i) => i.id)).toEqual(['b1']);
  });

  it("runs each try under the route's per-try timeout, aborting it with a retryable PerTryTimeout", async () => {
    const { upstream, put } = traffic();
    put(
      'policy',
      { ...canary, spec: { ...canary.spec, http: [{ route: [{ destination: { subset: 'v1' } }], retries: { attempts: 2, perTryTimeout: '20ms' } }] } },
      '80',
    );
    const route = upstream.route('GET', '/', {});
    if (!route) throw new Error('expected a route');
    expect(route).toMatchObject({ maxAttempts: 3, perTryTimeoutMs: 20 });
    const call = new AbortController();
    const trySignal = upstream.trySignal(route, call.signal);
    await new Promise((resolve) => trySignal.addEventListener('abort', resolve, { once: true }));
    expect(trySignal.reason).toBeInstanceOf(PerTryTimeout);
    expect(trySignal.reason).toMatchObject({ retryable: true, status: 504 });
    expect(call.signal.aborted).toBe(false);

    put('policy', canary, '81');
    const plain = upstream.route('GET', '/', {});
    expect(plain && upstream.trySignal(plain, call.signal)).toBe(call.signal);
  });
});

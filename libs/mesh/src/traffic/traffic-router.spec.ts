import { describe, expect, it } from 'vitest';
import { seededRandom } from '../balancing/seeded-random';
import { compileTrafficRouter, drawFault, NO_ROUTE, type RouteDecision } from './traffic-router';
import { parseTrafficPolicy, type TrafficPolicyInput } from './traffic-policy';

function policy(spec: Partial<TrafficPolicyInput['spec']>): ReturnType<typeof parseTrafficPolicy> {
  return parseTrafficPolicy({ apiVersion: 'meshmart.dev/v1', kind: 'TrafficPolicy', metadata: { name: 'p' }, spec: { host: 'payment-service', ...spec } });
}

const subsets = [
  { name: 'v1', labels: { version: '0.1.0' } },
  { name: 'v2', labels: { version: '0.2.0' } },
];

function decided(decision: RouteDecision | typeof NO_ROUTE): RouteDecision {
  if (decision === NO_ROUTE) throw new Error('expected a route');
  return decision;
}

describe('compileTrafficRouter', () => {
  const canary = policy({
    subsets,
    http: [
      { name: 'canary-header', match: [{ headers: { 'x-canary': { exact: 'always' } } }], route: [{ destination: { subset: 'v2' } }] },
      {
        name: 'reads',
        match: [{ method: { exact: 'GET' }, uri: { prefix: '/payments/' } }, { uri: { regex: '/health|/ready' } }],
        route: [{ destination: { subset: 'v1' } }],
        timeout: '250ms',
        retries: { attempts: 4 },
      },
      {
        name: 'split',
        route: [
          { destination: { subset: 'v1' }, weight: 90 },
          { destination: { subset: 'v2' }, weight: 10 },
        ],
      },
    ],
  });

  it('takes the first matching route: headers, then method AND uri, OR over matches', () => {
    const router = compileTrafficRouter(canary, () => 0.5);
    expect(decided(router.decide('POST', '/payments', { 'x-canary': 'always' })).route).toBe('canary-header');
    expect(decided(router.decide('POST', '/payments', { 'X-Canary': 'always' })).subset).toBe('v2');
    expect(decided(router.decide('GET', '/payments/7?full=1', {})).route).toBe('reads');
    expect(decided(router.decide('POST', '/payments/7', {})).route).toBe('split');
    expect(decided(router.decide('POST', '/health', {})).route).toBe('reads');
    // Regexes are anchored: a path that merely contains /health is no match.
    expect(decided(router.decide('POST', '/x/health', {})).route).toBe('split');
    expect(decided(router.decide('POST', '/payments', { 'x-canary': 'sometimes' })).route).toBe('split');
  });

  it('gives the route its timeout, its tries (retries + 1) and the chosen subset labels', () => {
    const reads = decided(compileTrafficRouter(canary).decide('GET', '/payments/1', {}));
    expect(reads).toMatchObject({
      subset: 'v1',
      labels: { version: '0.1.0' },
      timeoutMs: 250,
      maxAttempts: 5,
      perTryTimeoutMs: undefined,
      fault: undefined,
      mirror: undefined,
    });
  });

  it('splits by weight: 90/10 within a point over 20 000 seeded draws', () => {
    const router = compileTrafficRouter(canary, seededRandom(7));
    let v2 = 0;
    for (let i = 0; i < 20_000; i++) if (decided(router.decide('POST', '/payments', {})).subset === 'v2') v2 += 1;
    expect(v2 / 20_000).toBeGreaterThan(0.09);
    expect(v2 / 20_000).toBeLessThan(0.11);
  });

  it('draws the weighted slice at its edges', () => {
    expect(decided(compileTrafficRouter(canary, () => 0.8999).decide('POST', '/', {})).subset).toBe('v1');
    expect(decided(compileTrafficRouter(canary, () => 0.9).decide('POST', '/', {})).subset).toBe('v2');
  });

  it('answers NO_ROUTE when routes exist and none matches, as Envoy does', () => {
    const router = compileTrafficRouter(policy({ subsets, http: [{ match: [{ uri: { exact: '/only' } }], route: [{ destination: { subset: 'v1' } }] }] }));
    expect(router.decide('GET', '/other', {})).toBe(NO_ROUTE);
  });

  it('routes everything to the whole service when the policy has no routes', () => {
    const decision = decided(compileTrafficRouter(policy({ subsets })).decide('GET', '/', {}));
    expect(decision).toMatchObject({ route: 'default', subset: undefined, labels: undefined });
  });

  it('mirrors the given percentage of calls to the mirror subset', () => {
    const mirrored = policy({ subsets, http: [{ route: [{ destination: { subset: 'v1' } }], mirror: { subset: 'v2' }, mirrorPercentage: { value: 25 } }] });
    const router = compileTrafficRouter(mirrored, seededRandom(3));
    let copies = 0;
    for (let i = 0; i < 10_000; i++) {
      const decision = decided(router.decide('GET', '/', {}));
      if (decision.mirror) {
        copies += 1;
        expect(decision.mirror).toEqual({ subset: 'v2', labels: { version: '0.2.0' } });
      }
    }
    expect(copies / 10_000).toBeGreaterThan(0.23);
    expect(copies / 10_000).toBeLessThan(0.27);
    const always = policy({ subsets, http: [{ route: [{ destination: { subset: 'v1' } }], mirror: { subset: 'v2' } }] });
    expect(decided(compileTrafficRouter(always, () => 0.999).decide('GET', '/', {})).mirror?.subset).toBe('v2');
  });

  it('allocates nothing per call: the same decision object comes back', () => {
    const router = compileTrafficRouter(canary, () => 0.5);
    expect(router.decide('POST', '/a', {})).toBe(router.decide('POST', '/b', {}));
  });
});

describe('drawFault', () => {
  const fault = { delayMs: 2_000, delayPercent: 10, abortStatus: 503, abortPercent: 20 };

  it('draws delay and abort independently, each at its percentage', () => {
    const random = seededRandom(11);
    let delayed = 0;
    let aborted = 0;
    let both = 0;
    for (let i = 0; i < 20_000; i++) {
      const draw = drawFault(fault, random);
      if (draw.delayMs === 2_000) delayed += 1;
      if (draw.abortStatus === 503) aborted += 1;
      if (draw.delayMs > 0 && draw.abortStatus !== undefined) both += 1;
    }
    expect(delayed / 20_000).toBeCloseTo(0.1, 1);
    expect(aborted / 20_000).toBeCloseTo(0.2, 1);
    // Independent draws: both strike about 10 % × 20 % = 2 % of the time.
    expect(both / 20_000).toBeGreaterThan(0.015);
    expect(both / 20_000).toBeLessThan(0.025);
  });

  it('never strikes at 0 %, always at 100 %', () => {
    expect(drawFault({ ...fault, delayPercent: 0, abortPercent: 0 }, () => 0)).toEqual({ delayMs: 0, abortStatus: undefined });
    expect(drawFault({ ...fault, delayPercent: 100, abortPercent: 100 }, () => 0.9999)).toEqual({ delayMs: 2_000, abortStatus: 503 });
  });
});

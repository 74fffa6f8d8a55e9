import { beforeEach, describe, expect, it } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { resilienceDefaults } from '../resilience/resilience-defaults';
import { OutlierDetector, type OutlierDetectorOptions, type RequestOutcome } from './outlier-detector';

function instance(id: string): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight: 1, healthy: true };
}

const pool = ['a', 'b', 'c', 'd'].map(instance);
const ids = (instances: ServiceInstance[]) => instances.map((candidate) => candidate.id);

describe('OutlierDetector', () => {
  let clock: number;
  let ejections: Array<[string, number]>;
  let returns: string[];

  function detector(options: OutlierDetectorOptions = {}): OutlierDetector {
    const outliers = new OutlierDetector({ consecutiveGatewayErrors: 5, baseEjectionMs: 10_000, maxEjectionMs: 25_000, now: () => clock, ...options });
    outliers.onEject((id, untilMs) => ejections.push([id, untilMs]));
    outliers.onReturn((id) => returns.push(id));
    outliers.available(pool);
    return outliers;
  }

  function report(outliers: OutlierDetector, id: string, outcome: RequestOutcome, times = 1): void {
    for (let i = 0; i < times; i++) outliers.report(id, outcome);
  }

  beforeEach(() => {
    clock = 0;
    ejections = [];
    returns = [];
  });

  it('ejects after exactly consecutiveGatewayErrors errors in a row', () => {
    const outliers = detector();
    report(outliers, 'a', 'gateway_error', 4);
    expect(ids(outliers.available(pool))).toEqual(['a', 'b', 'c', 'd']);
    report(outliers, 'a', 'gateway_error');
    expect(ids(outliers.available(pool))).toEqual(['b', 'c', 'd']);
    expect(ejections).toEqual([['a', 10_000]]);
  });

  it('by default ejects and keeps out as resilienceDefaults says (the numbers the deployment files render)', () => {
    const { consecutiveGatewayErrors, baseEjectionMs, maxEjectionPercent } = resilienceDefaults.outlierDetection;
    const outliers = new OutlierDetector({ now: () => clock });
    outliers.onEject((id, untilMs) => ejections.push([id, untilMs]));
    const ten = Array.from({ length: 10 }, (_, i) => instance(`i${i}`));
    outliers.available(ten);
    for (const { id } of ten) report(outliers, id, 'gateway_error', consecutiveGatewayErrors - 1);
    expect(ejections).toEqual([]);
    for (const { id } of ten) report(outliers, id, 'gateway_error');
    expect(ejections).toHaveLength((ten.length * maxEjectionPercent) / 100);
    expect(ejections[0]).toEqual(['i0', baseEjectionMs]);
  });

  it('starts counting again after a success', () => {
    const outliers = detector({ consecutiveGatewayErrors: 3 });
    report(outliers, 'a', 'gateway_error', 2);
    report(outliers, 'a', 'success');
    report(outliers, 'a', 'gateway_error', 2);
    expect(outliers.isEjected('a')).toBe(false);
    report(outliers, 'a', 'gateway_error');
    expect(outliers.isEjected('a')).toBe(true);
  });

  it('counts connect errors as gateway errors unless told to count them apart', () => {
    const together = detector({ consecutiveGatewayErrors: 3 });
    report(together, 'a', 'gateway_error', 2);
    report(together, 'a', 'connect_error');
    expect(together.isEjected('a')).toBe(true);

    const apart = detector({ consecutiveGatewayErrors: 3, consecutiveConnectErrors: 2 });
    report(apart, 'b', 'gateway_error', 2);
    report(apart, 'b', 'connect_error');
    expect(apart.isEjected('b')).toBe(false);
    report(apart, 'b', 'connect_error');
    expect(apart.isEjected('b')).toBe(true);
  });

  it('brings an instance back exactly when its ejection ends', () => {
    const outliers = detector();
    report(outliers, 'a', 'gateway_error', 5);
    clock = 9_999;
    expect(ids(outliers.available(pool))).toEqual(['b', 'c', 'd']);
    expect(returns).toEqual([]);
    clock = 10_000;
    expect(ids(outliers.available(pool))).toEqual(['a', 'b', 'c', 'd']);
    expect(returns).toEqual(['a']);
  });

  it('ejects for 1×, 2×, 3× the base time on each ejection, capped at maxEjectionMs', () => {
    const outliers = detector();
    const durations: number[] = [];
    for (let round = 0; round < 4; round++) {
      report(outliers, 'a', 'gateway_error', 5);
      const [, untilMs] = ejections.at(-1) ?? ['', 0];
      durations.push(untilMs - clock);
      clock = untilMs;
    }
    expect(durations).toEqual([10_000, 20_000, 25_000, 25_000]);
  });

  it('forgives one past ejection for each base interval spent back in the pool', () => {
    const outliers = detector();
    report(outliers, 'a', 'gateway_error', 5); // 1×, back at 10 s
    clock = 10_000;
    report(outliers, 'a', 'gateway_error', 5); // 2×, back at 30 s
    clock = 30_000 + 10_000; // one base interval in the pool forgives one ejection
    report(outliers, 'a', 'gateway_error', 5);
    expect(ejections.map(([, until]) => until)).toEqual([10_000, 30_000, 40_000 + 20_000]);
  });

  it('ignores outcomes reported while the instance is ejected (requests that were in flight)', () => {
    const outliers = detector({ consecutiveGatewayErrors: 2 });
    report(outliers, 'a', 'gateway_error', 2);
    report(outliers, 'a', 'gateway_error', 3);
    clock = 10_000;
    report(outliers, 'a', 'gateway_error');
    expect(outliers.isEjected('a')).toBe(false);
    expect(ejections).toHaveLength(1);
  });

  it('never ejects more than maxEjectionPercent of the pool (default 50 %, rounded down)', () => {
    const outliers = detector();
    for (const id of ['a', 'b', 'c', 'd']) report(outliers, id, 'gateway_error', 5);
    expect(ids(outliers.available(pool))).toEqual(['c', 'd']);
    expect(ejections.map(([id]) => id)).toEqual(['a', 'b']);

    const alone = new OutlierDetector({ now: () => clock });
    alone.available([instance('solo')]);
    report(alone, 'solo', 'gateway_error', 20);
    expect(ids(alone.available([instance('solo')]))).toEqual(['solo']);
  });

  it('ejects a refused instance on its next error once room has been made', () => {
    const outliers = detector();
    for (const id of ['a', 'b', 'c']) report(outliers, id, 'gateway_error', 5);
    expect(outliers.isEjected('c')).toBe(false);
    clock = 10_000;
    expect(ids(outliers.available(pool))).toEqual(['a', 'b', 'c', 'd']);
    report(outliers, 'c', 'gateway_error');
    expect(ids(outliers.available(pool))).toEqual(['a', 'b', 'd']);
  });

  it('when the pool shrinks, keeps out only its share, letting back those that would return first', () => {
    const outliers = detector();
    report(outliers, 'a', 'gateway_error', 5); // until 10 s
    clock = 1_000;
    report(outliers, 'b', 'gateway_error', 5); // until 11 s
    expect(ids(outliers.available(pool.slice(0, 3)))).toEqual(['a', 'c']);
  });

  it('forgets an instance that stays out of the pool for maxEjectionMs', () => {
    const withoutA = pool.slice(1);
    const outliers = detector();
    report(outliers, 'a', 'gateway_error', 4);
    clock = 24_999;
    outliers.available(withoutA);
    report(outliers, 'a', 'gateway_error');
    expect(outliers.isEjected('a')).toBe(true); // still remembered: 4 + 1 errors

    const forgetful = detector();
    report(forgetful, 'a', 'gateway_error', 4);
    clock += 25_000;
    forgetful.available(withoutA);
    report(forgetful, 'a', 'gateway_error');
    expect(forgetful.isEjected('a')).toBe(false); // the four old errors went with the record
  });

  it('keeps working when a listener throws', () => {
    const outliers = detector();
    outliers.onEject(() => {
      throw new Error('exporter down');
    });
    report(outliers, 'a', 'gateway_error', 5);
    expect(outliers.isEjected('a')).toBe(true);
    expect(ejections).toHaveLength(1);
  });
});

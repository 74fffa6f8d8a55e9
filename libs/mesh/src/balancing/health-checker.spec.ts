import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ServiceInstance } from '../discovery/service-instance';
import { ActiveHealthChecker, type ActiveHealthCheckerOptions } from './health-checker';

function instance(id: string): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8080, zone: 'local', version: '0.1.0', weight: 1, healthy: true };
}

const [a, b] = [instance('a'), instance('b')];
type Answer = 'pass' | 'fail' | 'throw' | 'reject' | 'hang';

describe('ActiveHealthChecker', () => {
  /** What each instance's probe will do, per round; the last answer repeats. */
  let script: Record<string, Answer[]>;
  let signals: AbortSignal[];
  let changes: Array<[string, boolean]>;
  let checker: ActiveHealthChecker;

  const probe = vi.fn((target: ServiceInstance, signal: AbortSignal): Promise<boolean> => {
    signals.push(signal);
    const answers = script[target.id] ?? ['pass'];
    const answer = (answers.length > 1 ? answers.shift() : answers[0]) ?? 'pass';
    switch (answer) {
      case 'pass':
        return Promise.resolve(true);
      case 'fail':
        return Promise.resolve(false);
      case 'throw':
        throw new Error('socket closed');
      case 'reject':
        return Promise.reject(new Error('ECONNREFUSED'));
      case 'hang':
        return new Promise<boolean>(() => undefined);
    }
  });

  function start(instances: ServiceInstance[], options: Partial<ActiveHealthCheckerOptions> = {}): void {
    checker = new ActiveHealthChecker({ intervalMs: 5_000, timeoutMs: 1_000, probe, ...options });
    checker.onHealthChange((id, healthy) => changes.push([id, healthy]));
    checker.start(() => instances);
  }

  /** Lets the round in progress finish (its timeouts included) and the next one start. */
  const nextRound = () => vi.advanceTimersByTimeAsync(6_000);

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    probe.mockClear();
    script = {};
    signals = [];
    changes = [];
  });
  afterEach(() => {
    checker.stop();
    vi.useRealTimers();
  });

  it('marks an instance unhealthy after unhealthyThreshold failed probes in a row (default 2)', async () => {
    script.a = ['fail'];
    start([a, b]);
    await vi.advanceTimersByTimeAsync(0);
    expect(checker.isHealthy('a')).toBe(true); // one failure is not enough
    await nextRound();
    expect(checker.isHealthy('a')).toBe(false);
    expect(checker.available([a, b])).toEqual([b]);
    expect(changes).toEqual([['a', false]]);
  });

  it('does not flap on a failure between passes', async () => {
    script.a = ['fail', 'pass', 'fail', 'pass'];
    start([a]);
    for (let round = 0; round < 4; round++) await nextRound();
    expect(changes).toEqual([]);
  });

  it('counts a probe that hangs past timeoutMs as failed, and aborts it', async () => {
    script.a = ['hang'];
    start([a], { unhealthyThreshold: 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(checker.isHealthy('a')).toBe(true);
    expect(signals[0]?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(checker.isHealthy('a')).toBe(false);
    expect(signals[0]?.aborted).toBe(true);
  });

  it.each(['throw', 'reject'] as const)('counts a probe that %ss as failed', async (answer) => {
    script.a = [answer];
    start([a], { unhealthyThreshold: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(checker.isHealthy('a')).toBe(false);
  });

  it('marks it healthy again after healthyThreshold passes in a row', async () => {
    script.a = ['fail', 'fail', 'pass', 'fail', 'pass', 'pass'];
    start([a], { healthyThreshold: 2 });
    await vi.advanceTimersByTimeAsync(0);
    const verdicts: boolean[] = [];
    for (let round = 0; round < 6; round++) {
      verdicts.push(checker.isHealthy('a'));
      await nextRound();
    }
    expect(verdicts).toEqual([true, false, false, false, false, true]);
    expect(changes).toEqual([
      ['a', false],
      ['a', true],
    ]);
  });

  it('probes every interval after the previous round ends', async () => {
    start([a, b]);
    await vi.advanceTimersByTimeAsync(0);
    expect(probe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(probe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe).toHaveBeenCalledTimes(4);
  });

  it('stops probing on stop(), aborting probes in flight, and keeps its last verdicts', async () => {
    script.a = ['fail', 'fail', 'hang'];
    start([a]);
    await vi.advanceTimersByTimeAsync(10_000); // rounds at 0 and 5 s fail; the one at 10 s hangs
    expect(checker.isHealthy('a')).toBe(false);
    const calls = probe.mock.calls.length;
    expect(calls).toBe(3);
    checker.stop();
    expect(signals.at(-1)?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(calls);
    expect(checker.isHealthy('a')).toBe(false);
  });

  it('treats instances it has not probed as healthy and forgets those that left', async () => {
    script.a = ['fail'];
    const instances = [a, b];
    start(instances, { unhealthyThreshold: 1 });
    await vi.advanceTimersByTimeAsync(0);
    expect(checker.isHealthy('a')).toBe(false);
    expect(checker.isHealthy('never-seen')).toBe(true);
    instances.splice(0, 1);
    await nextRound();
    expect(checker.isHealthy('a')).toBe(true);
  });

  it('keeps checking when listing the instances fails once', async () => {
    let calls = 0;
    checker = new ActiveHealthChecker({ intervalMs: 5_000, probe });
    checker.start(() => {
      if (++calls === 1) throw new Error('registry unreachable');
      return [a];
    });
    await nextRound();
    expect(probe).toHaveBeenCalledTimes(1);
  });
});

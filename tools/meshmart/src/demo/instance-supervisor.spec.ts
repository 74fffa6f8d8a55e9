import { EventEmitter } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { InstanceSupervisor, type SupervisedInstance } from './instance-supervisor';

/** A process that ends when the test says so: only what the supervisor reads of it. */
function fakeApp(id: string): AppProcess & { end(code: number | null, signal?: NodeJS.Signals): void } {
  const child = Object.assign(new EventEmitter(), { exitCode: null as number | null, signalCode: null as NodeJS.Signals | null, pid: 1 });
  return {
    name: 'order-service',
    url: `https://127.0.0.1:1/${id}`,
    instanceId: id,
    process: child as unknown as ChildProcess,
    listeningAfterMs: 1,
    ready: Promise.resolve(1),
    output: () => '',
    stop: () => Promise.resolve(0),
    end(code, signal) {
      child.exitCode = code;
      child.signalCode = signal ?? null;
      child.emit('exit', code, signal ?? null);
    },
  };
}

/** The supervisor with a recorded sleep that returns at once, and restarts answered from `starts`. */
function supervise(starts: (() => Promise<AppProcess>)[], options: { stableAfterMs?: number } = {}) {
  const lines: string[] = [];
  const sleeps: number[] = [];
  let changes: readonly SupervisedInstance[] = [];
  let restarted = 0;
  const supervisor = new InstanceSupervisor({
    restart: () => (starts[restarted++] ?? (() => Promise.reject(new Error('no more starts'))))(),
    log: (line) => lines.push(line),
    onChange: (instances) => (changes = instances),
    backoff: { initialMs: 100, maxMs: 1_000 },
    stableAfterMs: options.stableAfterMs ?? 60_000,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { supervisor, lines, sleeps, changes: () => changes };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('InstanceSupervisor', () => {
  it('restarts a crashed instance in its slot, says so, and counts the restart', async () => {
    const first = fakeApp('order-service-1-aa');
    const second = fakeApp('order-service-1-bb');
    const { supervisor, lines, sleeps, changes } = supervise([() => Promise.resolve(second)]);
    supervisor.watch('order-service-1', first);
    first.end(null, 'SIGKILL');
    await settle();
    expect(lines[0]).toMatch(/^order-service-1 exited \(signal SIGKILL\); restarting in \d+\.\ds \(restart #1\)$/);
    expect(lines[1]).toBe('order-service-1 restarted: https://127.0.0.1:1/order-service-1-bb as order-service-1-bb');
    expect(sleeps).toHaveLength(1);
    expect(changes()).toEqual([expect.objectContaining({ slot: 'order-service-1', app: second, restarts: 1, lastExit: 'killed by SIGKILL' })]);
  });

  it('backs off more while a slot keeps crashing, up to the maximum, and retries a restart that fails to start', async () => {
    const apps = Array.from({ length: 8 }, (_, i) => fakeApp(`order-service-1-${i}`));
    const starts = apps
      .slice(1)
      .map((app, i) => (i === 2 ? () => Promise.reject(new Error('order-service exited with 1 before it was ready:\nstack')) : () => Promise.resolve(app)));
    const { supervisor, lines, sleeps } = supervise(starts);
    supervisor.watch('order-service-1', apps[0] as AppProcess);
    // Each started process crashes at once; the third start fails before it is ready.
    for (const app of apps.slice(0, 6)) {
      app.end(1);
      await settle();
    }
    expect(lines.filter((line) => line.includes('did not start'))).toEqual([
      expect.stringMatching(/^order-service-1 did not start \(order-service exited with 1 before it was ready:\); restarting in \d+\.\ds \(restart #4\)$/),
    ]);
    expect(sleeps.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...sleeps)).toBeLessThanOrEqual(1_000);
    // Growing: later pauses are on the whole longer than the first ones.
    expect(sleeps.slice(-2).reduce((a, b) => a + b)).toBeGreaterThan(sleeps.slice(0, 2).reduce((a, b) => a + b));
    expect(supervisor.list()[0]?.restarts).toBe(sleeps.length);
  });

  it('starts the back-off afresh for an instance that had run long enough', async () => {
    const apps = Array.from({ length: 12 }, (_, i) => fakeApp(`cart-service-1-${i}`));
    const { supervisor, sleeps } = supervise(
      apps.slice(1).map((app) => () => Promise.resolve(app)),
      { stableAfterMs: 0 },
    );
    supervisor.watch('cart-service-1', apps[0] as AppProcess);
    for (const app of apps.slice(0, 10)) {
      app.end(1);
      await settle();
    }
    // Every crash came after a "stable" run, so every pause is a first pause: never near the maximum.
    expect(Math.max(...sleeps)).toBeLessThan(500);
  });

  it('restarts nothing once stopped', async () => {
    const app = fakeApp('gateway-1-aa');
    const { supervisor, lines } = supervise([() => Promise.resolve(fakeApp('gateway-1-bb'))]);
    supervisor.watch('gateway-1', app);
    await supervisor.stop();
    app.end(0);
    await settle();
    expect(lines).toEqual([]);
  });
});

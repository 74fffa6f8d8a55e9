import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `check` until it stops throwing (every 200 ms), for at most `timeoutMs`, and returns
 * what it returned; past the time, rethrows its last failure. Tests wait on conditions like
 * this, never on fixed sleeps.
 * @example await eventually(async () => expect(await count()).toBe(5), 30_000);
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(200);
    }
  }
}

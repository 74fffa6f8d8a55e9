import { afterAll, describe, expect, it } from 'vitest';
import { workloads } from '@meshmart/contracts';
import { type AppProcess, startApp } from '@meshmart/testing';

describe('every app starts, answers its health check and stops cleanly', () => {
  const running: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop('SIGKILL')));
  });

  it.each(workloads)('%s', async (name) => {
    const app = await startApp(name);
    running.push(app);
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const response = await fetch(`${app.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: name });

    const missing = await fetch(`${app.url}/no-such-route`);
    expect(missing.status).toBe(404);

    // Graceful shutdown: SIGTERM closes the server and the process exits 0.
    expect(await app.stop()).toBe(0);
    expect(app.output()).toContain(`${name} stopping on SIGTERM`);
    await expect(fetch(`${app.url}/health`)).rejects.toThrow();
  });

  it('refuses to start with an invalid configuration, naming the variable', async () => {
    await expect(startApp('cart-service', { PORT: 'eighty' }, 30_000)).rejects.toThrow(/PORT/);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, makeCertificates, serviceEnv, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

const namespace = `gwh${randomUUID().slice(0, 6)}`;
const certDir = mkdtempSync(join(tmpdir(), 'meshmart-gateway-health-'));
let gateway: AppProcess;

async function health(path: '/health' | '/health/ready'): Promise<{ status: number; body: string }> {
  const response = await fetch(`${gateway.url}${path}`);
  return { status: response.status, body: await response.text() };
}

beforeAll(async () => {
  const stack = await useStack();
  makeCertificates(certDir, namespace, ['gateway']);
  // A long drain leaves time to ask a stopping gateway.
  gateway = await startApp('gateway', {
    ...serviceEnv(stack, { certDir, namespace }),
    GATEWAY_JWT_SECRET: 'public-health-key-of-at-least-32-chars',
    MESH_DRAIN_MS: '4000',
  });
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  rmSync(certDir, { recursive: true, force: true });
});

describe("the gateway's public health (a real gateway process)", () => {
  it('says up, and once it leaves discovery on a graceful stop, 503 down: never which part, instance or upstream', async () => {
    expect(await health('/health')).toEqual({ status: 200, body: '{"status":"up"}' });
    expect(await health('/health/ready')).toEqual({ status: 200, body: '{"status":"up"}' });
    const stopped = gateway.stop('SIGTERM');
    await expect.poll(() => health('/health/ready'), { timeout: 3_000, interval: 50 }).toEqual({ status: 503, body: '{"status":"down"}' });
    // Draining, not dead: liveness still says up.
    expect(await health('/health')).toEqual({ status: 200, body: '{"status":"up"}' });
    expect(await stopped).toBe(0);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdRegistry, type ServiceView } from '@meshmart/mesh/tools';
import { type AppProcess, type Platform, runMeshmart, startPlatform } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { demoCanary, stableVersionEnv, startDemoCanary } from './demo-canary';
import { alive, serviceRecord, stopDetachedServices, writeDemoServices } from './demo-state';

// `npm run demo -- --canary` on real processes: the platform as the demo starts it with the
// stable version pinned, then the canary beside it; etcd must show both versions, `stack status`
// the canary's, a restart must keep it, and `stack down` must stop it.
const namespace = `canary${randomBytes(3).toString('hex')}`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-canary-'));
let platform: Platform;
let registry: EtcdRegistry;
let payments: ServiceView;
let canary: AppProcess;
const lines: string[] = [];

beforeAll(async () => {
  const stack = await useStack();
  // One instance of each workload is enough here: the canary is the second payment-service.
  platform = await startPlatform({
    stack,
    certDir: join(stateDir, 'certs'),
    namespace,
    databaseSuffix: namespace,
    kafkaPrefix: `${namespace}.`,
    replicas: { 'inventory-service': 1, 'payment-service': 1 },
    env: stableVersionEnv,
  });
  registry = new EtcdRegistry({ endpoints: stack.etcd.endpoints, prefix: `meshmart/${namespace}/services/` });
  payments = await registry.watch(demoCanary.workload);
}, 180_000);

afterAll(async () => {
  await payments?.close();
  await registry?.close();
  await platform?.stop();
  rmSync(stateDir, { recursive: true, force: true });
}, 60_000);

/** The version etcd holds for an instance, once it shows up there (10 s at most). */
async function registeredVersion(instanceId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const found = payments.instances().find((instance) => instance.id === instanceId);
    if (found) return found.version;
    await sleep(100);
  }
  return undefined;
}

const recordAll = () =>
  writeDemoServices(stateDir, {
    services: platform.apps.map((app) => serviceRecord({ slot: platform.slotOf(app), app, restarts: 0 }, platform.versionOf(app))),
  });

describe('the demo with --canary', () => {
  it('starts a payment-service at 0.2.0 beside the 0.1.0 one, and both register with their version', async () => {
    const [stable] = platform.instancesOf('payment-service') as [AppProcess];
    canary = await startDemoCanary(platform, (line) => lines.push(line));

    expect(platform.slotOf(canary)).toBe('payment-service-2');
    expect(platform.versionOf(canary)).toBe('0.2.0');
    expect(platform.versionOf(stable)).toBe('0.1.0');
    expect(await registeredVersion(canary.instanceId)).toBe('0.2.0');
    expect(await registeredVersion(stable.instanceId)).toBe('0.1.0');
    expect(lines).toEqual([
      `canary payment-service-2: ${canary.url} as ${canary.instanceId}, version 0.2.0 beside 0.1.0 (the README's "Canary walk-through" splits traffic between them)`,
    ]);
  });

  it('shows the canary with its version in stack status', async () => {
    recordAll();
    const status = await runMeshmart(['stack', 'status'], { env: { ...process.env, MESHMART_STATE_DIR: stateDir } });
    expect(status.stdout).toContain('demo services (not supervised):');
    expect(status.stdout).toMatch(
      new RegExp(`payment-service-2\\s+running\\s+pid ${canary.process.pid}\\s+${canary.url.replaceAll('.', '\\.')}\\s+version 0\\.2\\.0\\s+restarts 0`),
    );
    expect(status.stdout).toMatch(/payment-service-1\s+running\s+pid \d+\s+\S+\s+version 0\.1\.0\s+restarts 0/);
  });

  it('keeps the canary version when its slot is restarted', async () => {
    await canary.stop('SIGKILL');
    const replacement = await platform.restartInstance(canary);
    expect(platform.slotOf(replacement)).toBe('payment-service-2');
    expect(platform.versionOf(replacement)).toBe('0.2.0');
    expect(await registeredVersion(replacement.instanceId)).toBe('0.2.0');
    canary = replacement;
  });

  it('is stopped by stack down with the rest of the demo', async () => {
    recordAll();
    await stopDetachedServices(stateDir, () => undefined);
    expect(alive(canary.process.pid)).toBe(false);
    expect(platform.apps.filter((app) => alive(app.process.pid))).toEqual([]);
  }, 60_000);
});

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, makeCertificates, runMeshmart, serviceEnv, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { readDemoServices, serviceRecord, writeDemoServices } from './demo-state';
import { InstanceSupervisor } from './instance-supervisor';

// The demo's supervisor around a real process: the gateway (no database, no topic), killed
// without a goodbye, comes back in its slot, and `meshmart stack status` shows the restart.
const namespace = `superv${randomBytes(3).toString('hex')}`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-supervisor-'));
const certDir = join(stateDir, 'certs');
let env: Record<string, string>;
const started: AppProcess[] = [];
let supervisor: InstanceSupervisor | undefined;

beforeAll(async () => {
  const stack = await useStack();
  makeCertificates(certDir, namespace, ['gateway'], stack.mesh?.caDir);
  env = { ...serviceEnv(stack, { certDir, namespace }), GATEWAY_JWT_SECRET: randomBytes(32).toString('base64url') };
});

afterAll(async () => {
  await supervisor?.stop();
  await Promise.all(started.map((app) => app.stop('SIGKILL')));
  rmSync(stateDir, { recursive: true, force: true });
});

const start = async () => {
  const app = await startApp('gateway', { ...env, MESH_INSTANCE_ID: `gateway-1-${randomBytes(2).toString('hex')}` });
  started.push(app);
  return app;
};

describe('the demo supervisor', () => {
  it('restarts an instance killed with SIGKILL, and stack status shows the restart', async () => {
    const lines: string[] = [];
    supervisor = new InstanceSupervisor({
      restart: () => start(),
      log: (line) => lines.push(line),
      onChange: (instances) => writeDemoServices(stateDir, { supervisorPid: process.pid, services: instances.map((instance) => serviceRecord(instance)) }),
    });
    const first = await start();
    supervisor.watch('gateway-1', first);
    const killedAt = Date.now();
    await first.stop('SIGKILL');

    let current = supervisor.list()[0]?.app;
    for (let i = 0; i < 600 && current === first; i++) {
      await sleep(100);
      current = supervisor.list()[0]?.app;
    }
    expect(current).not.toBe(first);
    const back = current as AppProcess;
    const health = await fetch(`${back.url}/health`);
    expect(health.status).toBe(200);
    console.log(`gateway-1 serving again ${Date.now() - killedAt} ms after SIGKILL`);
    expect(lines[0]).toMatch(/^gateway-1 exited \(signal SIGKILL\); restarting in \d+\.\ds \(restart #1\)$/);
    expect(lines[1]).toBe(`gateway-1 restarted: ${back.url} as ${back.instanceId}`);

    const recorded = readDemoServices(stateDir);
    expect(recorded?.services).toEqual([
      expect.objectContaining({ name: 'gateway-1', instanceId: back.instanceId, pid: back.process.pid, restarts: 1, lastExit: 'killed by SIGKILL' }),
    ]);
    const status = await runMeshmart(['stack', 'status'], { env: { ...process.env, MESHMART_STATE_DIR: stateDir } });
    expect(status.stdout).toContain(`demo services (supervised by pid ${process.pid}):`);
    expect(status.stdout).toMatch(
      new RegExp(
        `gateway-1\\s+running\\s+pid ${back.process.pid}\\s+${back.url.replaceAll('.', '\\.')}\\s+restarts 1 \\(last: killed by SIGKILL at \\d\\d:\\d\\d:\\d\\d\\)`,
      ),
    );
  });
});

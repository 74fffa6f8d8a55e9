import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloads } from '@meshmart/contracts';
import { mtlsAgent, spiffeId, WorkloadIdentity, workloadFiles } from '@meshmart/mesh';
import { EtcdRegistry } from '@meshmart/mesh/tools';
import { type AppProcess, makeCertificates, runMeshmart, serviceEnv, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

const namespace = `e2e${randomUUID().slice(0, 6)}`;
const kafkaPrefix = `${namespace}.`;
const certDir = mkdtempSync(join(tmpdir(), 'meshmart-e2e-certs-'));
let env: Record<string, string>;
let registry: EtcdRegistry;
let client: WorkloadIdentity;

/** GET over mesh mTLS as the `e2e-client` workload, verifying the server is `service`. */
function meshGet(url: string, service: string): Promise<{ status: number; body: string }> {
  const agent = mtlsAgent(client, { expectedSpiffeId: spiffeId({ namespace, serviceAccount: service }), keepAlive: false });
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

function publicGet(url: string): Promise<{ status: number; body: string }> {
  return fetch(url).then(async (response) => ({ status: response.status, body: await response.text() }));
}

beforeAll(async () => {
  const stack = await useStack();
  // The real CLI makes the mesh CA and every workload's certificate, as the demo does.
  makeCertificates(certDir, namespace, [...workloads, 'e2e-client']);
  env = {
    ...serviceEnv(stack, { certDir, namespace }),
    GATEWAY_JWT_SECRET: 'health-check-key-of-at-least-32-chars',
    // Topics and consumer groups of its own: a running demo's groups are left alone.
    KAFKA_PREFIX: kafkaPrefix,
  };
  registry = new EtcdRegistry({ endpoints: stack.etcd.endpoints, prefix: `meshmart/${namespace}/services/` });
  client = await WorkloadIdentity.load(workloadFiles(certDir, 'e2e-client'));
});

afterAll(async () => {
  client.close();
  await registry.close();
  const dropped = await runMeshmart(['kafka', 'drop', kafkaPrefix], { env: { ...process.env, KAFKA_BROKERS: env['KAFKA_BROKERS'] } });
  expect(dropped.code, dropped.stderr).toBe(0);
  rmSync(certDir, { recursive: true, force: true });
});

describe('every app starts behind the mesh, registers, answers health and stops cleanly', () => {
  const running: AppProcess[] = [];

  afterAll(async () => {
    await Promise.all(running.map((app) => app.stop('SIGKILL')));
  });

  it.each(workloads)('%s', async (name) => {
    const app = await startApp(name, env);
    running.push(app);
    const isGateway = name === 'gateway';
    // The gateway is the one public, plaintext listener; every service speaks mTLS only.
    expect(app.url).toMatch(isGateway ? /^http:\/\/127\.0\.0\.1:\d+$/ : /^https:\/\/127\.0\.0\.1:\d+$/);

    const view = await registry.watch(name);
    expect(view.instances().map((instance) => instance.id)).toEqual([app.instanceId]);

    const health = isGateway ? await publicGet(`${app.url}/health`) : await meshGet(`${app.url}/health`, name);
    expect(health.status).toBe(200);
    // The public edge says up or down and nothing else (no instance, no parts, no counts).
    expect(JSON.parse(health.body)).toEqual(isGateway ? { status: 'up' } : { status: 'ok', service: name });
    const ready = isGateway ? await publicGet(`${app.url}/health/ready`) : await meshGet(`${app.url}/health/ready`, name);
    expect(ready.status).toBe(200);
    // Registered with a valid certificate (upstreams without instances only degrade it): the
    // public edge says `up`; a mesh peer reads the parts.
    if (isGateway) expect(JSON.parse(ready.body)).toEqual({ status: 'up' });
    else expect(JSON.parse(ready.body)).toMatchObject({ details: { discovery: { registered: true, instanceId: app.instanceId } } });

    if (!isGateway) {
      const plaintext = fetch(`${app.url.replace('https:', 'http:')}/health`);
      await expect(plaintext).rejects.toThrow();
      const missing = await meshGet(`${app.url}/no-such-route`, name);
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({ status: 404, instance: '/no-such-route' });
    }

    // Graceful stop: leave discovery first, then close; the process exits 0.
    expect(await app.stop()).toBe(0);
    expect(app.output()).toContain(`${name} stopping on SIGTERM`);
    for (let i = 0; i < 20 && view.instances().length > 0; i++) await sleep(50);
    expect(view.instances()).toEqual([]);
    await view.close();
  });

  it('refuses to start with an invalid configuration, naming the variables', async () => {
    await expect(startApp('cart-service', { ...env, PORT: 'eighty', MESH_BALANCER: 'fastest' }, 30_000)).rejects.toThrow(
      /invalid configuration: PORT: .*MESH_BALANCER: /,
    );
    await expect(startApp('cart-service', { PORT: '0', MESH_CERT_DIR: '', ETCD_ENDPOINTS: '' }, 30_000)).rejects.toThrow(
      /ETCD_ENDPOINTS: .*set ETCD_ENDPOINTS.*MESH_CERT_DIR: .*meshmart certs/,
    );
  });
});

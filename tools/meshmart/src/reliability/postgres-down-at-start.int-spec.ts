import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdRegistry } from '@meshmart/mesh/tools';
import { type AppProcess, findWorkspaceRoot, makeCertificates, MeshHttpsClient, serviceEnv, type StackEndpoints, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { PostgresComponent } from '../stack/postgres';
import { loadStackSettings } from '../stack/settings';

// A service started while its Postgres is down: it listens, says in readiness what it waits
// for, logs one line per attempt window, and becomes ready without a restart once the server
// is up. The server is a private embedded Postgres (the stack's own component) on a free port,
// so stopping it disturbs nothing else; payment-service keeps state and consumes no topic.
const service = 'payment-service';
const namespace = `pgdown${randomBytes(3).toString('hex')}`;
const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-pgdown-'));
const certDir = join(stateDir, 'certs');
let stack: StackEndpoints;
let postgres: PostgresComponent;
let postgresUrl: string;
let registry: EtcdRegistry;
let operator: MeshHttpsClient;
let app: AppProcess | undefined;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The lines the service logged about waiting for Postgres (JSON lines of its `StartUp` logger). */
function postgresWaitLines(output: string): { msg: string; time: string }[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"context":"StartUp"') && line.includes('"msg":"postgres:'))
    .map((line) => JSON.parse(line) as { msg: string; time: string });
}

async function readiness(url: string): Promise<{ status: number; body: { error?: Record<string, { waitingFor?: Record<string, string> }> } }> {
  return operator.send('GET', `${url}/health/ready`);
}

beforeAll(async () => {
  stack = await useStack();
  // The embedded server runs as the `postgres` user when the tests run as root: it must enter the folder.
  chmodSync(stateDir, 0o755);
  const port = await freePort();
  const settings = loadStackSettings(findWorkspaceRoot());
  postgresUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  postgres = new PostgresComponent({
    settings: { ...settings, stateDir, ports: { ...settings.ports, embeddedPostgres: port }, postgresServerUrl: postgresUrl },
    progress: () => undefined,
  });
  // Initialise it once (initdb), then stop it: the service starts against a server that is down.
  await postgres.up();
  await postgres.down();
  makeCertificates(certDir, namespace, [service, 'operator'], stack.mesh?.caDir);
  operator = new MeshHttpsClient(certDir, 'operator');
  registry = new EtcdRegistry({ endpoints: stack.etcd.endpoints, prefix: `meshmart/${namespace}/services/` });
}, 120_000);

afterAll(async () => {
  await app?.stop('SIGKILL');
  operator?.close();
  await registry?.close();
  await postgres?.down().catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a service whose Postgres is down at start', () => {
  it('waits with readiness false and one log line per window, then becomes ready without a restart', async () => {
    const view = await registry.watch(service);
    app = await startApp(
      service,
      { ...serviceEnv(stack, { certDir, namespace }), DATABASE_URL: postgresUrl, DATABASE_NAME: 'meshmart_payment_pgdown' },
      60_000,
      undefined,
      'listening',
    );
    const { url } = app;
    const pid = app.process.pid;

    // It serves health at once and says what it waits for; it is not in discovery; other routes answer 503.
    let ready = await readiness(url);
    for (let i = 0; i < 100 && !ready.body.error?.['startup']?.waitingFor?.['postgres']?.startsWith('unreachable'); i++) {
      await sleep(100);
      ready = await readiness(url);
    }
    expect(ready.status).toBe(503);
    expect(ready.body.error?.['startup']?.waitingFor?.['postgres']).toMatch(/^unreachable \(\d+ tr(y|ies) in \d+s\): connect ECONNREFUSED/);
    expect(ready.body.error?.['discovery']).toMatchObject({ registered: false });
    expect(view.instances()).toEqual([]);
    const refused = await operator.send<{ type: string; waitingFor: string[] }>('GET', `${url}/payments?orderId=00000000-0000-4000-8000-000000000000`);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.body).toMatchObject({ type: 'https://meshmart.dev/problems/starting', waitingFor: ['postgres'] });

    // Two windows of waiting: the second line sums up several tries, and no line is written per try.
    for (let i = 0; i < 300 && postgresWaitLines(app.output()).length < 2; i++) await sleep(100);
    const lines = postgresWaitLines(app.output());
    expect(lines).toHaveLength(2);
    const tries = Number(/\((\d+) tries in/.exec(lines[1]?.msg ?? '')?.[1]);
    expect(tries).toBeGreaterThan(2);
    const windowMs = Date.parse(lines[1]?.time ?? '') - Date.parse(lines[0]?.time ?? '');
    expect(windowMs).toBeGreaterThanOrEqual(10_000);
    expect(lines[0]?.msg).not.toContain('postgres://');

    // The server comes up: the same process becomes ready, registers, and serves.
    await postgres.up();
    const upAt = Date.now();
    await app.ready;
    // The back-off never pauses longer than 5 s; then the database is made and migrated.
    const readyAfterMs = Date.now() - upAt;
    console.log(`${service} ready ${readyAfterMs} ms after its Postgres came up (${tries} tries in the second log window)`);
    expect(readyAfterMs).toBeLessThan(15_000);
    expect(app.process.pid).toBe(pid);
    expect(app.process.exitCode).toBeNull();
    expect(postgresWaitLines(app.output()).at(-1)?.msg).toBe('postgres: reached meshmart_payment_pgdown at 127.0.0.1:' + new URL(postgresUrl).port);
    expect((await readiness(url)).status).toBe(200);
    for (let i = 0; i < 50 && view.instances().length === 0; i++) await sleep(100);
    expect(view.instances().map((instance) => instance.id)).toEqual([app.instanceId]);
    const served = await operator.send<unknown[]>('GET', `${url}/payments?orderId=00000000-0000-4000-8000-000000000000`);
    expect(served).toMatchObject({ status: 200, body: [] });
    expect(await app.stop()).toBe(0);
  });
});

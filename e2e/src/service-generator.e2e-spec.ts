import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorIdentity } from '@meshmart/contracts';
import { EtcdRegistry } from '@meshmart/mesh/tools';
import {
  type AppProcess,
  dropDatabases,
  findWorkspaceRoot,
  makeCertificates,
  MeshHttpsClient,
  serviceEnv,
  type StackEndpoints,
  stackEndpointsToEnv,
  startService,
} from '@meshmart/platform';
import { eventually, useStack } from '@meshmart/testing';

// `nx g @meshmart/workspace:service` on a scratch copy of this workspace: the new service passes
// its own checks and tests with no hand edit, and joins the running platform.
const root = findWorkspaceRoot(__dirname);
const service = 'probe-service';
const namespace = `gen${randomBytes(3).toString('hex')}`;
const database = `meshmart_probe_e2e_${randomBytes(4).toString('hex')}`;
let scratch: string;
let certDir: string;
let stack: StackEndpoints;
let app: AppProcess | undefined;
const clients = new Map<string, MeshHttpsClient>();

/** Runs a command in the scratch workspace with the stack's endpoints; its output is the failure message. */
function inScratch(command: string, args: readonly string[]): string {
  try {
    return execFileSync(command, args, {
      cwd: scratch,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, ...stackEndpointsToEnv(stack), NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true' },
    });
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${scratch}:\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}\n${failed.message}`, { cause: error });
  }
}

/** The workspace's files as git sees them (tracked, or new and not ignored), and its installed packages as hard links. */
function copyWorkspace(to: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    cpSync(join(root, file), join(to, file));
  }
  // node_modules (the root's and the packages' own): hard links, so the copy costs no space and
  // the workspace links under node_modules/@meshmart, being relative, point into the copy.
  const installs = execFileSync('find', ['.', '-name', 'node_modules', '-type', 'd', '-prune', '-not', '-path', './tmp/*'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  for (const install of installs) {
    mkdirSync(dirname(join(to, install)), { recursive: true });
    execFileSync('cp', ['-al', join(root, install), join(to, install)]);
  }
}

function as(caller: string): MeshHttpsClient {
  const client = clients.get(caller);
  if (!client) throw new Error(`no certificate for ${caller}`);
  return client;
}

beforeAll(async () => {
  stack = await useStack();
  scratch = mkdtempSync(join(tmpdir(), 'meshmart-generated-'));
  certDir = mkdtempSync(join(tmpdir(), 'meshmart-generated-certs-'));
  copyWorkspace(scratch);
  console.log(`generating ${service} in ${scratch}`);
  inScratch(process.execPath, [
    'node_modules/nx/dist/bin/nx.js',
    'g',
    '@meshmart/workspace:service',
    service,
    '--database',
    '--upstreams',
    'inventory-service',
    '--consumes',
    'orders.v1',
    '--callers',
    'order-service',
  ]);
});

afterAll(async () => {
  await app?.stop();
  for (const client of clients.values()) client.close();
  if (stack) await dropDatabases(stack.postgres.url, [database]);
  rmSync(certDir, { recursive: true, force: true });
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('a service made by nx g @meshmart/workspace:service', () => {
  it('passes its own lint, typecheck, unit and integration tests, and the deployment files follow it', () => {
    inScratch(process.execPath, [
      'node_modules/nx/dist/bin/nx.js',
      'run-many',
      '-t',
      'lint',
      'typecheck',
      'test',
      'int',
      `--projects=${service}`,
      '--skip-nx-cache',
      '--outputStyle=stream',
    ]);
    const check = inScratch(process.execPath, ['tools/deploy/bin/meshmart-deploy.cjs', 'check']);
    expect(check).toMatch(/check:deploy: \d+ checks passed/);
    // The generated deployment files name it: compose, the Kubernetes base and its Envoy sidecar.
    for (const file of ['docker-compose.yml', `k8s/base/workloads/${service}.yaml`, `infra/envoy/${service}.yaml`, 'libs/contracts/src/workload-registry.ts']) {
      expect(readFileSync(join(scratch, file), 'utf8'), file).toContain(service);
    }
  });

  it('joins the running platform: registered in etcd, served over mTLS, scraped by Prometheus, its @AllowFrom enforced', async () => {
    const callers = [operatorIdentity, 'order-service', 'stranger-service'];
    makeCertificates(certDir, namespace, [service, ...callers], stack.mesh?.caDir);
    for (const caller of callers) clients.set(caller, new MeshHttpsClient(certDir, caller));
    app = await startService(
      service,
      join(scratch, 'apps', service, 'src', 'main.ts'),
      { ...serviceEnv(stack, { certDir, namespace }), DATABASE_NAME: database },
      90_000,
    );
    // `ready`: its database migrated, its consumer group joined, its instance registered in etcd.
    await app.ready;
    const registry = new EtcdRegistry({ endpoints: stack.etcd.endpoints, prefix: `meshmart/${namespace}/services/` });
    try {
      const view = await registry.watch(service);
      expect(view.instances().map((instance) => instance.id)).toEqual([app.instanceId]);
    } finally {
      await registry.close();
    }

    const id = `probe-${randomBytes(3).toString('hex')}`;
    expect((await as(operatorIdentity).send('PUT', `${app.url}/items/${id}`, { name: 'Probe' })).status).toBe(200);
    expect((await as('order-service').send('GET', `${app.url}/items/${id}`)).body).toEqual({ id, name: 'Probe' });
    expect((await as('stranger-service').send('GET', `${app.url}/items/${id}`)).status).toBe(403);

    // The stack's Prometheus finds it through etcd and scrapes it over mTLS.
    const up = new URL('/api/v1/query', stack.prometheus.url);
    up.searchParams.set('query', `up{namespace="${namespace}",workload="${service}"}`);
    await eventually(async () => {
      const samples = ((await (await fetch(up)).json()) as { data: { result: { value: [number, string] }[] } }).data.result;
      expect(samples.map((sample) => sample.value[1])).toContain('1');
    }, 60_000);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrafficPolicyStore } from '@meshmart/mesh/tools';
import { findWorkspaceRoot, runMeshmart } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

/**
 * `meshmart traffic` and `meshmart fault` run as an operator runs them (the real CLI, a child
 * process) against the stack's etcd, in a namespace of their own.
 */
const root = findWorkspaceRoot(__dirname);
const CLI_TEST_MS = 60_000;

describe('meshmart traffic and fault (real etcd)', () => {
  const namespace = `t${randomUUID().slice(0, 8)}`;
  let etcd: string[];
  let store: TrafficPolicyStore;

  async function meshmart(...args: string[]) {
    const result = await runMeshmart(args, { env: { ...process.env, ETCD_ENDPOINTS: etcd.join(','), MESH_NAMESPACE: namespace }, timeoutMs: 50_000 });
    return { code: result.code, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
  }

  beforeAll(async () => {
    etcd = (await useStack()).etcd.endpoints;
    store = new TrafficPolicyStore({ endpoints: etcd, namespace });
  });

  afterAll(async () => {
    await store.delete('payment-service');
    await store.clearFault('inventory-service');
    store.close();
  });

  it(
    'applies infra/traffic/payment-service.yaml, lists it and shows it back as written',
    async () => {
      const applied = await meshmart('traffic', 'apply', '-f', join(root, 'infra', 'traffic', 'payment-service.yaml'));
      expect(applied).toMatchObject({ code: 0, stderr: '' });
      const version = /version (\d+)$/.exec(applied.stdout)?.[1];
      expect(applied.stdout).toBe(`traffic policy "payment-canary" for payment-service applied in namespace ${namespace}: version ${version}`);

      const listed = await meshmart('traffic', 'get');
      expect(listed.code).toBe(0);
      expect(listed.stdout.split('\n')[1]).toMatch(new RegExp(`^payment-service\\s+${version}\\s+payment-canary\\s+2\\s+v1,v2\\s+-$`));

      const shown = await meshmart('traffic', 'get', 'payment-service');
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`# payment-service, version ${version}`);
      expect(shown.stdout).toContain('x-canary:');
      expect(shown.stdout).toContain('weight: 90');
    },
    CLI_TEST_MS,
  );

  it(
    'refuses an invalid file with one line naming the field, exit 2, and changes nothing',
    async () => {
      const before = await store.get('payment-service');
      const file = join(mkdtempSync(join(tmpdir(), 'meshmart-traffic-')), 'payment-service.yaml');
      writeFileSync(file, readFileSync(join(root, 'infra', 'traffic', 'payment-service.yaml'), 'utf8').replace(/weight: 10$/m, 'weight: 20'));
      const refused = await meshmart('traffic', 'apply', '-f', file);
      expect(refused.code).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr.split('\n')).toEqual([
        `meshmart traffic: ${file}: spec.http[1].route: weights must add up to 100 (they add up to 110) (nothing changed)`,
      ]);
      expect((await store.get('payment-service'))?.version).toBe(before?.version);
    },
    CLI_TEST_MS,
  );

  it(
    'injects a fault that expires by itself, shows it, and clears it',
    async () => {
      const injected = await meshmart('fault', 'inventory-service', '--abort', '503', '--percent', '20', '--for', '60s');
      expect(injected.code).toBe(0);
      expect(injected.stdout).toMatch(/^fault on inventory-service \(abort 503 on 20 %\) until \S+, version \d+$/);
      const fault = await store.getFault('inventory-service');
      expect(fault?.fault).toEqual({ abort: { httpStatus: 503, percentage: { value: 20 } } });
      // Its key hangs on a lease of 60 s that nobody keeps alive.
      const lease = (await store.etcd.get(`meshmart/${namespace}/faults/inventory-service`).exec()).kvs[0]?.lease ?? '0';
      const { TTL, grantedTTL } = await store.etcd.leaseClient.leaseTimeToLive({ ID: lease });
      expect(grantedTTL).toBe('60');
      expect(Number(TTL)).toBeGreaterThan(0);
      expect(Number(TTL)).toBeLessThanOrEqual(60);
      expect((await meshmart('traffic', 'get', 'inventory-service')).stdout).toContain('# injected fault until');
      expect(await meshmart('fault', 'inventory-service', '--clear')).toMatchObject({ code: 0, stdout: 'fault on inventory-service cleared' });
      expect(await store.getFault('inventory-service')).toBeUndefined();
    },
    CLI_TEST_MS,
  );

  it(
    'deletes the policy; deleting again says there is none, exit 1',
    async () => {
      expect(await meshmart('traffic', 'delete', 'payment-service')).toMatchObject({
        code: 0,
        stdout: 'traffic policy of payment-service deleted: its callers balance plainly again',
      });
      expect(await meshmart('traffic', 'delete', 'payment-service')).toMatchObject({
        code: 1,
        stderr: `meshmart traffic: payment-service has no traffic policy in namespace ${namespace}`,
      });
    },
    CLI_TEST_MS,
  );
});

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findWorkspaceRoot } from '@meshmart/platform';
import { Etcd3 } from 'etcd3';
import { describe, expect, it } from 'vitest';
import { LeaseLost } from './discovery-errors';
import { type ServiceInstance } from './service-instance';
import { type RegisteredInstanceProcessArgs } from './testing/registered-instance-process';
import { SeverableTcpProxy } from './testing/severable-tcp-proxy';
import { etcdTestContext } from './testing/etcd-test-context';
import { listsInstance, waitForInstances } from './testing/wait-for-instances';

const leaseTtlSeconds = 2;
const processStartTimeoutMs = 30_000;

const etcd = etcdTestContext('discovery-faults');
const { registryAt, uniquePrefix } = etcd;

const paymentInstance: ServiceInstance = {
  id: 'payment-1',
  service: 'payment-service',
  address: '127.0.0.1',
  port: 9443,
  zone: 'zone-a',
  version: '1.2.3',
  weight: 2,
  healthy: true,
};

/** Starts the registering script as its own Node process; resolves once it printed `registered <id>`. */
async function startRegisteredProcess(args: RegisteredInstanceProcessArgs): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const root = findWorkspaceRoot();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'testing', 'registered-instance-process.ts'), JSON.stringify(args)], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  etcd.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "registered" line within ${processStartTimeoutMs} ms:\n${output}`)), processStartTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes(`registered ${args.instance.id}`)) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the process exited (${String(code)}) before registering:\n${output}`));
    });
  });
  return { child, exited };
}

describe('EtcdRegistry when things go wrong', () => {
  it("drops a SIGKILLed process's instance within lease TTL + 1 s, and takes it back when it restarts", async () => {
    const prefix = uniquePrefix();
    const view = await registryAt(prefix).watch('payment-service');
    const args = { endpoints: etcd.endpoints(), prefix, leaseTtlSeconds, instance: paymentInstance };

    const first = await startRegisteredProcess(args);
    const [seen] = await waitForInstances(view, listsInstance('payment-1'), 2_000, 'listing the process');
    expect(seen).toEqual(paymentInstance);

    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    await first.exited;
    await waitForInstances(view, (all) => all.length === 0, (leaseTtlSeconds + 1) * 1_000, 'empty after SIGKILL');
    // Not an orderly deregistration (that would be instant): the lease had to run out.
    expect(Date.now() - killedAt).toBeGreaterThan(500);

    await startRegisteredProcess(args);
    await waitForInstances(view, listsInstance('payment-1'), 2_000, 'listing the restarted process');
    expect(view.instances()).toEqual([paymentInstance]);
  });

  it('registers again under a new lease when its lease is revoked behind its back', async () => {
    const prefix = uniquePrefix();
    const reported: unknown[] = [];
    const owner = registryAt(prefix, { leaseTtlSeconds, onError: (error) => reported.push(error) });
    const registration = await owner.register(paymentInstance);
    const view = await registryAt(prefix).watch('payment-service');
    const presence: boolean[] = [];
    view.onChange((instances) => presence.push(listsInstance('payment-1')(instances)));

    const raw = new Etcd3({ hosts: etcd.endpoints() });
    etcd.onCleanup(() => Promise.resolve(raw.close()));
    const key = `${prefix}payment-service/payment-1`;
    const revokedLease = (await raw.get(key).exec()).kvs[0]?.lease;
    expect(revokedLease).toMatch(/^[1-9]\d*$/);
    await raw.leaseClient.leaseRevoke({ ID: revokedLease });

    // Revoking deletes the key at once; the next keep-alive (every TTL / 3) finds the lease gone.
    await waitForInstances(
      view,
      (all) => presence.includes(false) && listsInstance('payment-1')(all),
      leaseTtlSeconds * 1_000 + 2_000,
      'back after the revoke',
    );
    expect(presence).toEqual([false, true]);
    const newLease = (await raw.get(key).exec()).kvs[0]?.lease;
    expect(newLease).toMatch(/^[1-9]\d*$/);
    expect(newLease).not.toBe(revokedLease);
    expect(reported.some((error) => error instanceof LeaseLost)).toBe(true);

    // The new lease is kept alive, and updates go under it.
    await sleep(leaseTtlSeconds * 1_000 * 2);
    expect(view.instances()).toEqual([paymentInstance]);
    await registration.update({ weight: 5 });
    await waitForInstances(view, (all) => all[0]?.weight === 5, 2_000, 'seeing weight 5');
  });

  it('catches up on every change made while its watch was cut off, once it reconnects', async () => {
    const prefix = uniquePrefix();
    const [etcdEndpoint] = etcd.endpoints();
    if (!etcdEndpoint) throw new Error('the stack has no etcd endpoint');
    const proxy = await SeverableTcpProxy.start(etcdEndpoint);
    etcd.onCleanup(() => proxy.close());
    const owner = registryAt(prefix);
    const instance = (id: string): ServiceInstance => ({ ...paymentInstance, id });
    const leaving = await owner.register(instance('payment-1'));
    const staying = await owner.register(instance('payment-2'));
    // The cut makes the view's registry report background failures; kept out of the test output.
    const backgroundErrors: unknown[] = [];
    const view = await registryAt(prefix, { endpoints: [proxy.endpoint], onError: (error) => backgroundErrors.push(error) }).watch('payment-service');
    expect(view.instances().map((found) => found.id)).toEqual(['payment-1', 'payment-2']);

    proxy.sever();
    await leaving.deregister();
    await staying.update({ weight: 9 });
    await owner.register(instance('payment-3'));
    await sleep(1_000);
    // Really cut off: none of that reached the view.
    expect(view.instances().map((found) => found.id)).toEqual(['payment-1', 'payment-2']);

    proxy.restore();
    await waitForInstances(view, (all) => all.length === 2 && all[0]?.id === 'payment-2' && all[1]?.id === 'payment-3', 20_000, 'caught up');
    expect(view.instances()).toEqual([{ ...instance('payment-2'), weight: 9 }, instance('payment-3')]);
  });
});

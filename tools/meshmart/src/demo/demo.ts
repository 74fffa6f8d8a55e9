import { workloads } from '@meshmart/contracts';
import { type AppProcess, databaseUrl, stackEndpointsToEnv, startApp } from '@meshmart/testing';
import { join } from 'node:path';
import { runCertsCommand } from '../certs/certs-command';
import type { LocalStack } from '../stack/stack';

/**
 * `npm run demo`, the foundation's part: the local stack, then every service as its own
 * process, each checked through its health endpoint; runs until Ctrl-C, then stops all.
 * The commerce flow (catalogue, scripted shopper, checkout saga) builds on this.
 */
export async function runDemo(stack: LocalStack, stateDir: string): Promise<number> {
  console.log('demo: starting the local stack');
  const { statuses, endpoints } = await stack.up();
  for (const s of statuses) console.log(`  ${s.name.padEnd(11)} ${s.state}`);

  const certDir = join(stateDir, 'certs');
  console.log(`demo: mesh CA and workload certificates in ${certDir}`);
  if ((await runCertsCommand(['--out', certDir, '--services', workloads.join(',')], { info: () => undefined, error: (line) => console.error(line) })) !== 0) throw new Error('could not make the mesh certificates');

  console.log('demo: starting the services (each registers in etcd and serves over mTLS)');
  const env = { ...stackEndpointsToEnv(endpoints), DATABASE_URL: databaseUrl(endpoints, 'postgres'), ETCD_ENDPOINTS: endpoints.etcd.endpoints.join(','), MESH_CERT_DIR: certDir };
  const apps: AppProcess[] = [];
  // Settle every start, so the ones that did start are stopped if another one fails.
  const starts = await Promise.allSettled(workloads.map((name) => startApp(name, env)));
  for (const start of starts) if (start.status === 'fulfilled') apps.push(start.value);
  try {
    const failed = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
    if (failed) throw failed.reason;
    for (const app of apps) {
      console.log(`  ${app.name.padEnd(18)} ${app.url.padEnd(26)} ${app.instanceId}`);
    }
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    throw error;
  }

  const gateway = apps.find((app) => app.name === 'gateway');
  if (gateway) console.log(`\ngateway (public edge): ${gateway.url}/health`);
  console.log(`Prometheus: ${endpoints.prometheus.url}`);
  console.log('demo: running; Ctrl-C stops the services and the stack');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('\ndemo: stopping');
  await Promise.all(apps.map((app) => app.stop()));
  await stack.down();
  console.log('demo: stopped');
  return 0;
}

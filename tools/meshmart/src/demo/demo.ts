import { workloads } from '@meshmart/contracts';
import { type AppProcess, databaseUrl, stackEndpointsToEnv, startApp } from '@meshmart/testing';
import type { LocalStack } from '../stack/stack';

/**
 * `npm run demo`, the foundation's part: the local stack, then every service as its own
 * process, each checked through its health endpoint; runs until Ctrl-C, then stops all.
 * The commerce flow (catalogue, scripted shopper, checkout saga) builds on this.
 */
export async function runDemo(stack: LocalStack): Promise<number> {
  console.log('demo: starting the local stack');
  const { statuses, endpoints } = await stack.up();
  for (const s of statuses) console.log(`  ${s.name.padEnd(11)} ${s.state}`);

  console.log('demo: starting the services');
  const env = { ...stackEndpointsToEnv(endpoints), DATABASE_URL: databaseUrl(endpoints, 'postgres') };
  const apps: AppProcess[] = [];
  try {
    for (const app of await Promise.all(workloads.map((name) => startApp(name, env)))) apps.push(app);
    for (const app of apps) {
      const health = await fetch(`${app.url}/health`);
      console.log(`  ${app.name.padEnd(18)} ${app.url.padEnd(24)} health ${health.status}`);
    }
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    throw error;
  }

  console.log(`\nPrometheus: ${endpoints.prometheus.url}  (query: up)`);
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

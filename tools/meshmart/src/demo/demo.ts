import { join } from 'node:path';
import { isEdgeWorkload } from '@meshmart/contracts';
import { type AppProcess, type Platform, runDemoShopper, seedDemoCatalogue, startPlatform } from '@meshmart/platform';
import { startDemoConsole } from '../console/demo-console';
import type { LocalStack } from '../stack/stack';
import { demoCanary, stableVersionEnv, startDemoCanary } from './demo-canary';
import { demoJwtSecret, forgetDemoServices, serviceRecord, writeDemoServices } from './demo-state';
import { startDemoLoad, stopDemoLoad } from './demo-load';
import { InstanceSupervisor } from './instance-supervisor';
import { servedRequests } from './served-requests';

export interface DemoOptions {
  /** Leave everything running and return (stop with `npm run stack:down`). */
  detach: boolean;
  /** Start the console (`meshmart console`) and send the services' spans to it; `--no-console` skips it. */
  console: boolean;
  /** `--load R`: keep R shopper journeys a second going against the gateway (`meshmart load`, mix scenario). */
  loadRate?: number;
  /** `--canary`: one more payment-service instance at version 0.2.0 beside the 0.1.0 ones (README, "Canary walk-through"). */
  canary?: boolean;
}

/**
 * `npm run demo`: the local stack, every service (two instances of inventory and payment)
 * registered in etcd and speaking mTLS, a seeded catalogue, and a scripted shopper through a
 * confirmed checkout and a declined one; then it runs until Ctrl-C and stops everything.
 */
export async function runDemo(stack: LocalStack, stateDir: string, options: DemoOptions): Promise<number> {
  console.log('demo: starting the local stack');
  const { statuses, endpoints } = await stack.up();
  for (const s of statuses) console.log(`  ${s.name.padEnd(13)} ${s.state}`);

  const certDir = join(stateDir, 'certs');
  console.log(`demo: mesh CA and workload certificates in ${certDir}`);
  console.log('demo: starting the services (each migrates its database, registers in etcd and serves over mTLS)');
  const jwtSecret = demoJwtSecret(stateDir);
  const logDir = join(stateDir, 'logs');
  const webConsole = options.console ? await startDemoConsole(stateDir, endpoints, options.detach) : undefined;
  // The demo's gateway listens on 127.0.0.1 only, and `meshmart load` sends all its shoppers from
  // there: the per-address limit meant for the internet would only throttle the demo itself.
  const env: Record<string, string> = {
    GATEWAY_ADDRESS_RATE_LIMIT: '1000000',
    ...(webConsole ? { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: webConsole.otlpEndpoint } : {}),
    ...(options.canary ? stableVersionEnv : {}),
  };
  const platform = await startPlatform({
    stack: endpoints,
    certDir,
    jwtSecret,
    ...(options.detach ? { logDir } : {}),
    env,
    onStarted: (app) => console.log(`  ${app.name.padEnd(18)} ${app.url.padEnd(26)} ${app.instanceId}`),
  });
  try {
    if (options.canary) await startDemoCanary(platform, (line) => console.log(`demo: ${line}`));
  } catch (error) {
    await platform.stop();
    await webConsole?.close();
    throw error;
  }
  // In the foreground the demo supervises its instances: a crashed one is restarted with back-off.
  const supervisor = options.detach ? undefined : superviseDemo(platform, stateDir);
  if (options.detach)
    writeDemoServices(stateDir, {
      services: platform.apps.map((app) => serviceRecord({ slot: platform.slotOf(app), app, restarts: 0 }, platform.versionOf(app))),
    });
  try {
    const [inventory] = platform.instancesOf('inventory-service') as [AppProcess];
    await seedDemoCatalogue(platform.operator, inventory.url, (line) => console.log(`demo: ${line}`));
    await runDemoShopper(platform.gateway.url, platform.jwtSecret, (line) => console.log(line));
    await printWhoServed(platform);
  } catch (error) {
    await supervisor?.stop();
    await platform.stop();
    forgetDemoServices(stateDir);
    await webConsole?.close();
    throw error;
  }
  const { gateway } = platform;
  console.log(`
Open:${webConsole ? `\n  console       ${webConsole.url}   (the mesh graph, instances, traces of these checkouts, alerts)` : ''}
  API docs      ${gateway.url}/docs
  catalogue     ${gateway.url}/products
  load          npx meshmart load --scenario mix --shoppers 8 --duration 60   (finds this gateway and key by itself)
  Prometheus    ${endpoints.prometheus.url}
  a query       ${endpoints.prometheus.url}/graph?g0.expr=${encodeURIComponent('sum by (source_workload, destination_workload, response_code) (istio_requests_total{reporter="destination"})')}
  metrics       each instance's /metrics (mTLS; the gateway's at ${gateway.url}/metrics)${
    options.canary
      ? `
  canary        ${demoCanary.workload} ${demoCanary.canaryVersion} beside ${demoCanary.stableVersion}: README.md, "Canary walk-through"`
      : ''
  }
Sign in as a shopper with a token signed by the demo key in ${join(stateDir, 'demo-jwt-secret')} (HS256, iss meshmart-demo, aud meshmart).`);
  if (options.loadRate !== undefined) {
    const log = startDemoLoad(stateDir, gateway.url, options.loadRate);
    console.log(`demo: a stream of ${options.loadRate} shopper journeys a second (meshmart load, mix scenario) is running; its progress is in ${log}`);
  }
  if (options.detach) {
    console.log(`demo: left running (logs in ${logDir}); \`npm run stack:down\` stops the services and the stack`);
    return 0;
  }
  console.log('demo: running, restarting any instance that crashes (`npm run stack:status` shows restarts); Ctrl-C stops the services and the stack');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  console.log('\ndemo: stopping');
  await stopDemoLoad(stateDir);
  await supervisor?.stop();
  await platform.stop();
  forgetDemoServices(stateDir);
  await webConsole?.close();
  await stack.down();
  console.log('demo: stopped');
  return 0;
}

/** Watches every instance of the platform; the state file follows each exit and restart. */
function superviseDemo(platform: Platform, stateDir: string): InstanceSupervisor {
  const supervisor = new InstanceSupervisor({
    restart: (_slot, previous) => platform.restartInstance(previous),
    log: (line) => console.log(`demo: ${line}`),
    onChange: (instances) =>
      writeDemoServices(stateDir, {
        supervisorPid: process.pid,
        services: instances.map((instance) => serviceRecord(instance, platform.versionOf(instance.app))),
      }),
  });
  for (const app of platform.apps) supervisor.watch(platform.slotOf(app), app);
  return supervisor;
}

async function printWhoServed(platform: Platform): Promise<void> {
  console.log('\nwho served (mTLS requests each instance answered, from its own istio_requests_total):');
  const services = platform.apps.filter((a) => !isEdgeWorkload(a.name));
  // With --canary each instance says its version, so the canary's share is seen here too.
  const labelOf = (app: AppProcess) => `${app.instanceId}${platform.versionOf(app) ? ` (${platform.versionOf(app)})` : ''}`;
  const width = Math.max(28, ...services.map((app) => labelOf(app).length));
  for (const app of services) {
    const counts = await servedRequests(platform, app);
    const text = [...counts].map(([source, count]) => `${count} from ${source}`).join(', ') || 'none yet';
    console.log(`  ${labelOf(app).padEnd(width)} ${text}`);
  }
}

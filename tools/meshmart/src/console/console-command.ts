import { parseArgs } from 'node:util';
import { readStackFile } from '@meshmart/platform';
import { consoleTracesDir, DEFAULT_CONSOLE_PORT, startConsole } from './console';

export const consoleUsage = `usage: meshmart console [--port ${DEFAULT_CONSOLE_PORT}] [--namespace meshmart] [--prometheus URL] [--etcd URL[,URL]]

  A local web console of the running mesh on 127.0.0.1: the service graph, instances, traffic
  settings, traces (it is also their OTLP/HTTP receiver, at /v1/traces) and alerts; JSON under /api.
  Prometheus and etcd default to the local stack's (.meshmart/stack.json).`;

/** `meshmart console`: runs the console until SIGTERM/SIGINT. */
export async function runConsoleCommand(argv: readonly string[], stateDir: string): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: { port: { type: 'string' }, namespace: { type: 'string' }, prometheus: { type: 'string' }, etcd: { type: 'string' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`meshmart console: ${error instanceof Error ? error.message : String(error)}\n${consoleUsage}`);
    return 2;
  }
  if (values.help) {
    console.log(consoleUsage);
    return 0;
  }
  const port = Number(values.port ?? process.env['MESHMART_CONSOLE_PORT'] ?? DEFAULT_CONSOLE_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`meshmart console: --port takes a port number, not "${String(values.port)}"`);
    return 2;
  }
  // It goes into PromQL and etcd keys: a mesh namespace is a DNS label, nothing else.
  if (values.namespace !== undefined && !/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(values.namespace)) {
    console.error(`meshmart console: --namespace takes a mesh namespace (lower-case letters, digits, -), not "${values.namespace}"`);
    return 2;
  }
  const stack = readStackFile(stateDir);
  const prometheusUrl = values.prometheus ?? stack?.prometheus.url;
  const etcdEndpoints = values.etcd?.split(',').filter(Boolean) ?? stack?.etcd.endpoints;
  if (!prometheusUrl || !etcdEndpoints?.length) {
    console.error('meshmart console: no local stack found (.meshmart/stack.json): run `npm run stack:up`, or give --prometheus and --etcd');
    return 2;
  }
  const running = await startConsole({
    prometheusUrl,
    etcdEndpoints,
    port,
    tracesDir: consoleTracesDir(stateDir),
    ...(values.namespace ? { namespace: values.namespace } : {}),
  });
  console.log(`console: ${running.url} (traces: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=${running.otlpEndpoint})`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  await running.close();
  return 0;
}

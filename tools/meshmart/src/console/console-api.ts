import type { OtlpSpan } from '@meshmart/mesh/tools';
import { readAlerts } from './alert-list';
import { ConsoleProblem, invalidQuery, notFound, traceNotFound } from './console-problems';
import { readInstanceTable } from './instance-table';
import { type MeshGraph, RATE_WINDOW, readMeshGraph } from './mesh-graph';
import type { PrometheusClient } from './prometheus-client';
import type { RegistryReader } from './registry-reader';
import type { TraceStore } from './trace-store';
import type { TraceFilter } from './trace-summary';
import { readTrafficView } from './traffic-settings';

export interface ConsoleSources {
  namespace: string;
  prometheus: PrometheusClient;
  registry: RegistryReader;
  traces: TraceStore;
  /** The environment the services run with, for the settings in force (the demo's overrides). */
  serviceEnv: Readonly<Record<string, string>>;
  /** Where services send spans, as shown to users. */
  otlpEndpoint: string;
}

const TRACE_ID = /^[0-9a-f]{32}$/i;
const WORKLOAD = /^[a-z0-9-]{1,63}$/;

/** The read-only JSON API: every view of the page, for scripts too. Throws ConsoleProblem for what a caller did wrong or what is down. */
export async function answerApi(sources: ConsoleSources, url: URL): Promise<unknown> {
  const path = url.pathname.replace(/\/+$/, '');
  const { namespace, prometheus, registry, traces } = sources;
  if (path === '/api') {
    return {
      namespace,
      endpoints: [
        '/api/status',
        '/api/graph',
        '/api/instances',
        '/api/traffic',
        '/api/alerts',
        '/api/traces?service=&status=ok|error&minMs=&maxMs=&q=&limit=',
        '/api/traces/{traceId}',
        '/api/series?workload=',
      ],
    };
  }
  if (path === '/api/status') return { namespace, prometheus: prometheus.url, traces: traces.size, otlpEndpoint: sources.otlpEndpoint };
  if (path === '/api/graph') {
    const graph = await readMeshGraph(prometheus, namespace, await registry.instances(namespace));
    if (graph.nodes.length === 0) throw emptyPlatform(namespace);
    return { ...graph, window: RATE_WINDOW } satisfies MeshGraph & { window: string };
  }
  if (path === '/api/instances') {
    const instances = await registry.instances(namespace);
    if (instances.length === 0) throw emptyPlatform(namespace);
    return { namespace, window: RATE_WINDOW, instances: await readInstanceTable(prometheus, namespace, instances) };
  }
  if (path === '/api/traffic') return { namespace, ...(await readTrafficView(prometheus, namespace, sources.serviceEnv)) };
  if (path === '/api/alerts') return { namespace, alerts: await readAlerts(prometheus, namespace) };
  if (path === '/api/traces') return { traces: traces.list(traceFilterOf(url.searchParams)) };
  if (path.startsWith('/api/traces/')) {
    const traceId = decodeURIComponent(path.slice('/api/traces/'.length));
    if (!TRACE_ID.test(traceId)) throw invalidQuery(`a trace id is 32 hex digits, not "${traceId.slice(0, 80)}"`);
    const trace = traces.get(traceId);
    if (!trace) throw traceNotFound(traceId);
    return { ...trace.summary, spans: trace.spans satisfies OtlpSpan[] };
  }
  if (path === '/api/series') {
    const workload = url.searchParams.get('workload') ?? '';
    if (!WORKLOAD.test(workload)) throw invalidQuery('workload= names a workload, e.g. inventory-service');
    const end = Math.floor(Date.now() / 1000);
    const selector = `reporter="destination",namespace="${namespace}",destination_workload="${workload}"`;
    const [rate, p99] = await Promise.all([
      prometheus.queryRange(`sum(rate(istio_requests_total{${selector}}[${RATE_WINDOW}]))`, end - 900, end, 15),
      prometheus.queryRange(
        `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${selector}}[${RATE_WINDOW}])))`,
        end - 900,
        end,
        15,
      ),
    ]);
    return { workload, window: RATE_WINDOW, rate: rate[0]?.values ?? [], p99: p99[0]?.values ?? [] };
  }
  throw notFound(url.pathname);
}

function emptyPlatform(namespace: string): ConsoleProblem {
  return new ConsoleProblem(
    404,
    'empty-platform',
    'No workloads',
    `no workload is registered in namespace "${namespace}" and Prometheus has no traffic for it: start the platform with \`npm run demo\``,
  );
}

function traceFilterOf(params: URLSearchParams): TraceFilter {
  const number = (name: string) => {
    const value = params.get(name);
    if (value === null || value === '') return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0) throw invalidQuery(`${name}= takes a non-negative number of milliseconds, not "${value.slice(0, 40)}"`);
    return parsed;
  };
  const status = params.get('status') || undefined;
  if (status !== undefined && status !== 'ok' && status !== 'error') throw invalidQuery(`status= is ok or error, not "${status.slice(0, 40)}"`);
  const service = params.get('service') || undefined;
  if (service !== undefined && !WORKLOAD.test(service)) throw invalidQuery(`service= names a service, e.g. order-service`);
  const limit = number('limit');
  const minDurationMs = number('minMs');
  const maxDurationMs = number('maxMs');
  const text = params.get('q')?.trim() || undefined;
  return {
    ...(service ? { service } : {}),
    ...(status ? { status } : {}),
    ...(minDurationMs !== undefined ? { minDurationMs } : {}),
    ...(maxDurationMs !== undefined ? { maxDurationMs } : {}),
    ...(text ? { text } : {}),
    limit: Math.min(limit ?? 100, 500),
  };
}

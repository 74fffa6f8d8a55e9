import type { RegisteredInstance } from '../registry/registered-instances';
import type { PromSample, PrometheusClient } from './prometheus-client';

/** Rates are over this window: long enough for a demo's few requests to show, short enough to follow a change. */
export const RATE_WINDOW = '1m';
/**
 * "Recent" counts are the counters now minus five minutes ago, a series that did not exist then
 * counting from 0. rate() cannot see those first requests: it needs two samples of a series, and
 * a series is born with its first request, so a handful of checkouts would show no rate at all.
 */
export const RECENT_WINDOW = '5m';

export interface WorkloadNode {
  id: string;
  kind: 'workload';
  /** Registered instances now (0 for a caller outside the registry, e.g. the shopper). */
  instances: number;
  versions: string[];
  zones: string[];
}

export interface TopicNode {
  id: string;
  kind: 'topic';
  topic: string;
  /** Messages not yet committed, summed over partitions, per consumer workload. */
  lag: Record<string, number>;
}

export interface MeshEdge {
  source: string;
  target: string;
  kind: 'http' | 'produce' | 'consume';
  /** Requests (or messages) per second over the rate window. */
  rate: number;
  /** Requests since the counters started, so an edge stays visible after its traffic stops. */
  total: number;
  /** Requests (or messages) in the last RECENT_WINDOW, first requests of a new series included. */
  recent: number;
  /** Share of 5xx and failed connections, 0–100 (http edges). */
  errorPercent: number;
  /** 99th percentile latency in ms over the window (http edges), or null when no request fell in it. */
  p99Ms: number | null;
  /** Every request on it was mutual TLS, as the server side reports. */
  mtls: boolean;
  health: 'healthy' | 'degraded' | 'failing' | 'idle';
}

export interface MeshGraph {
  namespace: string;
  nodes: (WorkloadNode | TopicNode)[];
  edges: MeshEdge[];
}

/** What the graph is built from: the registry and Prometheus's answers to `graphQueries`. */
export interface GraphSamples {
  instances: readonly RegisteredInstance[];
  requestTotals: readonly PromSample[];
  requestTotalsBefore: readonly PromSample[];
  requestRates: readonly PromSample[];
  errorRates: readonly PromSample[];
  p99: readonly PromSample[];
  produced: readonly PromSample[];
  producedBefore: readonly PromSample[];
  producedRates: readonly PromSample[];
  consumed: readonly PromSample[];
  consumedBefore: readonly PromSample[];
  consumedRates: readonly PromSample[];
  lag: readonly PromSample[];
}

/** The PromQL behind each part of the graph, for one namespace (the `namespace` target label). */
export function graphQueries(namespace: string): Record<Exclude<keyof GraphSamples, 'instances'>, string> {
  const ns = `namespace="${namespace}"`;
  // Prometheus's own scrapes are monitoring, not the application's traffic: left out of the graph.
  const notScrapes = 'source_workload!="prometheus"';
  const requests = `istio_requests_total{reporter="destination",${ns},${notScrapes}}`;
  const byEdge = 'source_workload, destination_workload';
  return {
    requestTotals: `sum by (${byEdge}, connection_security_policy) (${requests})`,
    requestTotalsBefore: `sum by (${byEdge}) (${requests} offset ${RECENT_WINDOW})`,
    requestRates: `sum by (${byEdge}) (rate(${requests}[${RATE_WINDOW}]))`,
    errorRates: `sum by (${byEdge}) (rate(istio_requests_total{reporter="destination",${ns},${notScrapes},response_code=~"5..|0"}[${RATE_WINDOW}]))`,
    p99: `histogram_quantile(0.99, sum by (${byEdge}, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",${ns},${notScrapes}}[${RATE_WINDOW}])))`,
    produced: `sum by (workload, topic) (meshmart_kafka_messages_produced_total{${ns}})`,
    producedBefore: `sum by (workload, topic) (meshmart_kafka_messages_produced_total{${ns}} offset ${RECENT_WINDOW})`,
    producedRates: `sum by (workload, topic) (rate(meshmart_kafka_messages_produced_total{${ns}}[${RATE_WINDOW}]))`,
    consumed: `sum by (workload, topic) (meshmart_kafka_messages_consumed_total{${ns}})`,
    consumedBefore: `sum by (workload, topic) (meshmart_kafka_messages_consumed_total{${ns}} offset ${RECENT_WINDOW})`,
    consumedRates: `sum by (workload, topic) (rate(meshmart_kafka_messages_consumed_total{${ns}}[${RATE_WINDOW}]))`,
    // Every instance of a consumer reports its group's lag: the largest report is the freshest bound.
    lag: `sum by (workload, topic) (max by (workload, topic, partition) (kafka_consumergroup_lag{${ns}}))`,
  };
}

export async function readMeshGraph(prometheus: PrometheusClient, namespace: string, instances: readonly RegisteredInstance[]): Promise<MeshGraph> {
  const queries = graphQueries(namespace);
  const entries = await Promise.all(Object.entries(queries).map(async ([key, expr]) => [key, await prometheus.query(expr)] as const));
  return buildMeshGraph(namespace, { instances, ...(Object.fromEntries(entries) as unknown as Omit<GraphSamples, 'instances'>) });
}

/** Callers outside the registry (the shopper at the public edge) are reported as `unknown`, as Istio does. */
const OUTSIDE = 'unknown';

/**
 * The service graph: each registered workload a node (its instances, versions, zones), each
 * source → destination pair seen in `istio_requests_total` an edge with its rate, error share,
 * p99 and whether it was mutual TLS; each Kafka topic a node between the workloads that
 * produce to it and those that consume it, with the consumers' lag.
 */
export function buildMeshGraph(namespace: string, samples: GraphSamples): MeshGraph {
  const workloads = new Map<string, WorkloadNode>();
  const workload = (id: string) => {
    let node = workloads.get(id);
    if (!node) workloads.set(id, (node = { id, kind: 'workload', instances: 0, versions: [], zones: [] }));
    return node;
  };
  for (const instance of samples.instances) {
    const node = workload(instance.workload);
    node.instances += 1;
    if (!node.versions.includes(instance.version)) node.versions.push(instance.version);
    if (!node.zones.includes(instance.zone)) node.zones.push(instance.zone);
  }

  const edgeKey = (metric: Record<string, string>) => `${metric['source_workload'] ?? OUTSIDE}→${metric['destination_workload'] ?? OUTSIDE}`;
  const valueBy = (list: readonly PromSample[], key: (metric: Record<string, string>) => string) =>
    new Map(list.map((sample) => [key(sample.metric), sample.value]));
  const rates = valueBy(samples.requestRates, edgeKey);
  const errors = valueBy(samples.errorRates, edgeKey);
  const p99 = valueBy(samples.p99, edgeKey);
  const before = valueBy(samples.requestTotalsBefore, edgeKey);
  const http = new Map<string, { total: number; plain: number; source: string; target: string }>();
  for (const { metric, value } of samples.requestTotals) {
    const key = edgeKey(metric);
    const edge = http.get(key) ?? { total: 0, plain: 0, source: metric['source_workload'] ?? OUTSIDE, target: metric['destination_workload'] ?? OUTSIDE };
    edge.total += value;
    if (metric['connection_security_policy'] !== 'mutual_tls') edge.plain += value;
    http.set(key, edge);
  }
  const edges: MeshEdge[] = [];
  for (const [key, edge] of http) {
    workload(edge.source);
    workload(edge.target);
    const rate = rates.get(key) ?? 0;
    const errorPercent = rate > 0 ? (100 * (errors.get(key) ?? 0)) / rate : 0;
    const latency = p99.get(key);
    const recent = recentOf(edge.total, before.get(key));
    edges.push({
      source: edge.source,
      target: edge.target,
      kind: 'http',
      rate,
      total: edge.total,
      recent,
      errorPercent,
      p99Ms: latency !== undefined && Number.isFinite(latency) ? latency : null,
      mtls: edge.plain === 0,
      health: healthOf(rate, errorPercent, recent),
    });
  }

  const topics = new Map<string, TopicNode>();
  const topic = (name: string) => {
    let node = topics.get(name);
    if (!node) topics.set(name, (node = { id: `topic:${name}`, kind: 'topic', topic: name, lag: {} }));
    return node;
  };
  const kafkaKey = (metric: Record<string, string>) => `${metric['workload'] ?? OUTSIDE}|${metric['topic'] ?? ''}`;
  for (const [list, rateList, beforeList, kind] of [
    [samples.produced, samples.producedRates, samples.producedBefore, 'produce'],
    [samples.consumed, samples.consumedRates, samples.consumedBefore, 'consume'],
  ] as const) {
    const kafkaRates = valueBy(rateList, kafkaKey);
    const kafkaBefore = valueBy(beforeList, kafkaKey);
    for (const { metric, value } of list) {
      const name = metric['topic'];
      const owner = metric['workload'];
      if (!name || !owner) continue;
      const node = topic(name);
      workload(owner);
      const rate = kafkaRates.get(kafkaKey(metric)) ?? 0;
      const [source, target] = kind === 'produce' ? [owner, node.id] : [node.id, owner];
      const recent = recentOf(value, kafkaBefore.get(kafkaKey(metric)));
      edges.push({ source, target, kind, rate, total: value, recent, errorPercent: 0, p99Ms: null, mtls: false, health: healthOf(rate, 0, recent) });
    }
  }
  for (const { metric, value } of samples.lag) {
    if (metric['topic'] && metric['workload']) topic(metric['topic']).lag[metric['workload']] = value;
  }
  const nodes = [...[...workloads.values()].sort((a, b) => a.id.localeCompare(b.id)), ...[...topics.values()].sort((a, b) => a.id.localeCompare(b.id))];
  return { namespace, nodes, edges: edges.sort((a, b) => `${a.source}→${a.target}`.localeCompare(`${b.source}→${b.target}`)) };
}

/** A counter's increase since `before`; a series that did not exist then, or restarted since, counts from 0. */
function recentOf(now: number, before: number | undefined): number {
  return before === undefined || before > now ? now : now - before;
}

/** Edge colour: failing past 5 % errors, degraded past 1 %, idle with no traffic in the recent window. */
export function healthOf(rate: number, errorPercent: number, recent: number): MeshEdge['health'] {
  if (rate === 0) return recent > 0 ? 'healthy' : 'idle';
  if (errorPercent > 5) return 'failing';
  if (errorPercent > 1) return 'degraded';
  return 'healthy';
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseDuration } from '../envoy-schema/well-known-types';
import { subsetHostName } from '../traffic/policy-units';
import { istioClusterOf } from './istio-envoy-clusters';
import { describe, type KubeObject } from './kubernetes-render';

type Json = Record<string, unknown>;
type FieldPath = readonly (string | number)[];

/**
 * The cluster fields both renderings derive from one policy (connectionPolicy, outlierPolicy,
 * the balancer), each with Envoy's default (from its protos' comments) for the side that
 * leaves it out: a field one rendering omits still means something to Envoy.
 */
const SHARED_FIELDS: readonly [FieldPath, unknown][] = [
  [['lb_policy'], 'ROUND_ROBIN'],
  [['connect_timeout'], '5s'],
  ...(['max_connections', 'max_pending_requests', 'max_requests'] as const).map((name): [FieldPath, unknown] => [
    ['circuit_breakers', 'thresholds', 0, name],
    1024,
  ]),
  [['circuit_breakers', 'thresholds', 0, 'max_retries'], 3],
  [['outlier_detection', 'consecutive_5xx'], 5],
  [['outlier_detection', 'enforcing_consecutive_5xx'], 100],
  [['outlier_detection', 'consecutive_gateway_failure'], 5],
  [['outlier_detection', 'enforcing_consecutive_gateway_failure'], 0],
  [['outlier_detection', 'enforcing_success_rate'], 100],
  [['outlier_detection', 'interval'], '10s'],
  [['outlier_detection', 'base_ejection_time'], '30s'],
  [['outlier_detection', 'max_ejection_percent'], 10],
];

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function pick(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>(
    (node, key) => (typeof key === 'number' ? (Array.isArray(node) ? node[key] : undefined) : isObject(node) ? node[key] : undefined),
    value,
  );
}

/** Durations as seconds and numeric strings as numbers, so "5s" equals "5.000s". */
function normalized(value: unknown): unknown {
  if (typeof value === 'string') {
    const duration = parseDuration(value);
    if ('value' in duration) return duration.value;
    if (/^\d+$/.test(value)) return Number(value);
  }
  return value;
}

const shown = (value: unknown, defaulted: boolean) => `${JSON.stringify(value)}${defaulted ? " (Envoy's default)" : ''}`;

/** The upstream clusters of every compose sidecar config, by the file that defines them. */
export function composeClusters(root: string, workloads: readonly string[]): { file: string; cluster: Json }[] {
  return workloads.flatMap((workload) => {
    const file = `infra/envoy/${workload}.yaml`;
    if (!existsSync(join(root, file))) return [];
    const config: unknown = parse(readFileSync(join(root, file), 'utf8'));
    const clusters = pick(config, ['static_resources', 'clusters']);
    return (Array.isArray(clusters) ? clusters.filter(isObject) : []).map((cluster) => ({ file, cluster }));
  });
}

/**
 * Each DestinationRule, as the Envoy cluster Istio makes of it, against the compose sidecars'
 * cluster for the same workload: pools, ejection and balancing must mean the same to Envoy
 * in both renderings.
 */
export function trafficParityProblems(objects: readonly KubeObject[], clusters: readonly { file: string; cluster: Json }[]): string[] {
  const problems: string[] = [];
  for (const rule of objects.filter((object) => object.kind === 'DestinationRule')) {
    const policy = pick(rule, ['spec', 'trafficPolicy']);
    if (!isObject(policy)) continue;
    const istio = istioClusterOf(policy);
    // The rule's whole host, and each subset's own cluster in compose (`payment-service-v2`): the subsets inherit the rule's policy.
    const subsets = pick(rule, ['spec', 'subsets']);
    const names = [
      rule.metadata.name,
      ...(Array.isArray(subsets) ? subsets.filter(isObject).map((subset) => subsetHostName(rule.metadata.name, String(subset['name']))) : []),
    ];
    for (const { file, cluster } of clusters.filter((candidate) => names.includes(String(candidate.cluster['name'])))) {
      for (const [path, envoyDefault] of SHARED_FIELDS) {
        const [composeValue, istioValue] = [pick(cluster, path), pick(istio, path)];
        if (isObject(istio[String(path[0])]) !== isObject(cluster[String(path[0])]) && path.length > 1) continue; // reported once below
        if (normalized(composeValue ?? envoyDefault) === normalized(istioValue ?? envoyDefault)) continue;
        const where = path
          .map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`))
          .join('')
          .slice(1);
        problems.push(
          `${file}: cluster "${String(cluster['name'])}" and ${describe(rule)} (as Istio's Envoy cluster) differ on ${where}: ${shown(composeValue ?? envoyDefault, composeValue === undefined)} in compose, ${shown(istioValue ?? envoyDefault, istioValue === undefined)} under Istio`,
        );
      }
      for (const part of ['circuit_breakers', 'outlier_detection']) {
        if (isObject(istio[part]) !== isObject(cluster[part]))
          problems.push(
            `${file}: cluster "${String(cluster['name'])}" ${isObject(cluster[part]) ? 'sets' : 'lacks'} ${part}, which ${describe(rule)} ${isObject(istio[part]) ? 'sets' : 'leaves out'} under Istio`,
          );
      }
    }
  }
  return problems;
}

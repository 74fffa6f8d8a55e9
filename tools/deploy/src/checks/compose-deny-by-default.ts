import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { type ComposeFile, type ComposeService, environmentOf } from '../compose/compose-file';
import { envoyPorts, type PlatformModel } from '../platform/platform';
import { appServices } from './compose-checks';

/**
 * Deny by default in compose, as the library denies in local mode: an app is reached only
 * through its sidecar (it listens on loopback and publishes nothing of its own); a service's
 * sidecar admits mesh callers only over mTLS and through RBAC; the public edge's sidecar
 * admits its public listener only. Each sidecar's merged-metrics listener (15020, Istio's
 * number) passes exactly /metrics and /stats/prometheus, so Prometheus scrapes without a mesh
 * identity and nothing else gets in that way; health checks run inside the app's own network
 * namespace (loopback), so no listener opens for them.
 */

type HttpFilter = { name: string; typed_config?: { rules?: { action?: string; policies?: Record<string, { principals?: object[] }> } } };
type Route = { match?: { path?: string; prefix?: string; safe_regex?: unknown; path_separated_prefix?: string } };
type Listener = {
  name: string;
  address?: { socket_address?: { address?: string; port_value?: number } };
  filter_chains?: {
    transport_socket?: { typed_config?: { require_client_certificate?: boolean } };
    filters?: { typed_config?: { http_filters?: HttpFilter[]; route_config?: { virtual_hosts?: { routes?: Route[] }[] } } }[];
  }[];
};

/** The paths the merged-metrics listener serves: the app's metrics and Envoy's stats. */
const SCRAPE_PATHS = ['/metrics', '/stats/prometheus'];

const isLoopback = (address: string | undefined) => address === '127.0.0.1' || address === '::1' || address === 'localhost';

/** The container ports a compose service publishes on the host (short and long syntax). */
function publishedContainerPorts(service: ComposeService): number[] {
  const ports = (service['ports'] as (string | number | { target?: number })[] | undefined) ?? [];
  return ports.map((port) => (typeof port === 'object' ? Number(port.target) : Number(String(port).split('/')[0]?.split(':').pop())));
}

export function composeDenyByDefaultProblems(root: string, compose: ComposeFile, platform: PlatformModel): string[] {
  const problems: string[] = [];
  for (const [name, workloadName] of appServices(
    compose,
    platform.workloads.map((workload) => workload.name),
    platform.version,
  )) {
    const service = compose.services[name];
    const workload = platform.workloads.find((candidate) => candidate.name === workloadName);
    if (!service || !workload) continue;
    const host = environmentOf(service)['HOST'];
    if (!isLoopback(host))
      problems.push(
        `docker-compose.yml: service ${name} listens on ${host ?? 'every address'} (HOST), not 127.0.0.1: its callers would reach the app without its sidecar's mTLS and RBAC`,
      );
    for (const port of publishedContainerPorts(service)) {
      if (!(workload.edge && port === envoyPorts.edge))
        problems.push(
          `docker-compose.yml: service ${name} publishes its port ${port}, which is not ${workload.edge ? `its sidecar's public listener (${envoyPorts.edge})` : 'reached through its sidecar'}`,
        );
    }
  }
  for (const workload of platform.workloads) {
    const file = `infra/envoy/${workload.name}.yaml`;
    // A missing file is the Envoy step's problem.
    if (!existsSync(join(root, file))) continue;
    const listeners =
      (parse(readFileSync(join(root, file), 'utf8')) as { static_resources?: { listeners?: Listener[] } } | null)?.static_resources?.listeners ?? [];
    const open = listeners.filter((listener) => !isLoopback(listener.address?.socket_address?.address));
    const allowed = new Set<number>([workload.edge ? envoyPorts.edge : envoyPorts.inbound, envoyPorts.prometheus]);
    for (const listener of open) {
      const port = listener.address?.socket_address?.port_value ?? 0;
      if (!allowed.has(port)) {
        problems.push(
          workload.edge
            ? `${file}: listener "${listener.name}" admits callers on port ${port}, but ${workload.name} is the public edge: its sidecar admits its public listener (${envoyPorts.edge}) only`
            : `${file}: listener "${listener.name}" admits callers on port ${port}, outside the mTLS inbound listener (${envoyPorts.inbound})`,
        );
      } else if (port === envoyPorts.prometheus) problems.push(...scrapeListenerProblems(file, listener));
      else if (port === envoyPorts.inbound) problems.push(...inboundListenerProblems(file, listener));
    }
  }
  return problems;
}

/** mTLS with a client certificate, then an ALLOW RBAC filter before the router, with no rule open to any principal. */
function inboundListenerProblems(file: string, listener: Listener): string[] {
  return (listener.filter_chains ?? []).flatMap((chain) => {
    if (chain.transport_socket?.typed_config?.require_client_certificate !== true)
      return [`${file}: listener "${listener.name}" does not require a client certificate: plaintext and foreign callers get in`];
    const filters = (chain.filters ?? []).flatMap((filter) => filter.typed_config?.http_filters ?? []);
    const rbac = filters.findIndex((filter) => filter.name === 'envoy.filters.http.rbac');
    const router = filters.findIndex((filter) => filter.name === 'envoy.filters.http.router');
    const rules = filters[rbac]?.typed_config?.rules;
    if (rbac < 0 || rbac > router || (rules?.action ?? 'ALLOW') !== 'ALLOW')
      return [`${file}: listener "${listener.name}" has no ALLOW RBAC filter before its router: every mesh caller gets in`];
    return Object.entries(rules?.policies ?? {}).flatMap(([name, policy]) =>
      (policy.principals ?? []).some((principal) => 'any' in principal)
        ? [`${file}: listener "${listener.name}" RBAC policy "${name}" admits any principal, so it allows every caller`]
        : [],
    );
  });
}

/** Plaintext, so it may route only the two scrape paths, each matched exactly. */
function scrapeListenerProblems(file: string, listener: Listener): string[] {
  const routes = (listener.filter_chains ?? []).flatMap((chain) =>
    (chain.filters ?? []).flatMap((filter) => (filter.typed_config?.route_config?.virtual_hosts ?? []).flatMap((host) => host.routes ?? [])),
  );
  return routes.flatMap((route) =>
    route.match?.path !== undefined && SCRAPE_PATHS.includes(route.match.path)
      ? []
      : [`${file}: listener "${listener.name}" routes ${JSON.stringify(route.match ?? {})} without mTLS: only ${SCRAPE_PATHS.join(' and ')} may pass there`],
  );
}

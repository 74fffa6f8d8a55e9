import type { TrafficPolicy } from '@meshmart/mesh/tools';
import { COMPOSE_ZONE } from '../envoy/envoy-bootstrap';
import { routedSubsets } from '../envoy/envoy-traffic-routes';
import { subsetHostName } from '../traffic/policy-units';
import { type ComposeFile, dnsNamesOf, environmentOf } from '../compose/compose-file';
import { appServices } from './compose-checks';

/** The instance labels compose can set, and the variable each instance registers it from (the library's defaults otherwise). */
const LABEL_VARIABLES: Readonly<Record<string, string>> = { version: 'MESH_VERSION', zone: 'MESH_ZONE' };

/**
 * Compose has no label selectors: a subset's Envoy cluster resolves the DNS alias
 * `<workload>-<subset>`. Each alias must be answered by exactly the workload's instances whose
 * registered labels match the subset's: a missing instance never gets its share, a stray one
 * serves a version it is not.
 */
export function composeSubsetProblems(compose: ComposeFile, policies: ReadonlyMap<string, TrafficPolicy>, version: string): string[] {
  const problems: string[] = [];
  const services = appServices(compose, [...policies.keys()], version);
  for (const [host, policy] of policies) {
    for (const subsetName of routedSubsets(policy)) {
      const subset = policy.spec.subsets.find((candidate) => candidate.name === subsetName);
      if (!subset) continue;
      const alias = subsetHostName(host, subset.name);
      const unsupported = Object.keys(subset.labels).filter((label) => LABEL_VARIABLES[label] === undefined);
      if (unsupported.length > 0) {
        problems.push(
          `infra/traffic/${host}.yaml: subset ${subset.name} selects by ${unsupported.join(', ')}, which compose instances cannot carry (only ${Object.keys(LABEL_VARIABLES).join(', ')})`,
        );
        continue;
      }
      const defaults: Record<string, string> = { MESH_VERSION: version, MESH_ZONE: COMPOSE_ZONE };
      const matching = (name: string) => {
        const env = environmentOf(compose.services[name] ?? {});
        return Object.entries(subset.labels).every(([label, value]) => {
          const variable = LABEL_VARIABLES[label] ?? '';
          return (env[variable] ?? defaults[variable]) === value;
        });
      };
      const instances = services.filter(([, workload]) => workload === host).map(([name]) => name);
      const answering = instances.filter((name) => dnsNamesOf(name, compose.services[name] ?? {}).includes(alias));
      if (!instances.some(matching))
        problems.push(
          `docker-compose.yml runs no ${host} instance with ${JSON.stringify(subset.labels)}: subset ${subset.name} (cluster ${alias}) has nothing to send to`,
        );
      for (const name of instances.filter(matching))
        if (!answering.includes(name))
          problems.push(`docker-compose.yml: service ${name} is in subset ${subset.name} of ${host} but does not answer to "${alias}"`);
      for (const name of answering.filter((candidate) => !matching(candidate)))
        problems.push(`docker-compose.yml: service ${name} answers to "${alias}" but its labels are not ${JSON.stringify(subset.labels)}`);
    }
  }
  return problems;
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workloads } from '@meshmart/contracts';
import { InvalidTrafficPolicy, parseTrafficPolicy, type TrafficPolicy } from '@meshmart/mesh/tools';
import { parseAllDocuments } from 'yaml';

/** Where the policies of the repo's own scenarios live, one file per destination service. */
export const TRAFFIC_POLICY_DIR = 'infra/traffic';

/** A policy file that cannot be rendered: the file and every field at fault. */
export class InvalidTrafficPolicyFile extends Error {
  override readonly name = 'InvalidTrafficPolicyFile';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid traffic policy:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * One file's text, validated as the runtime validates it (`parseTrafficPolicy`), its host one
 * of `known` (the generator passes the apps' descriptors, which may be ahead of the registry).
 */
export function parseTrafficPolicyFile(file: string, text: string, known: readonly string[] = workloads): TrafficPolicy {
  const documents = parseAllDocuments(text);
  const broken = documents.flatMap((document) => document.errors.map((error) => `(yaml): ${error.message}`));
  if (broken.length > 0) throw new InvalidTrafficPolicyFile(file, broken);
  if (documents.length !== 1) throw new InvalidTrafficPolicyFile(file, [`(document): holds ${documents.length} YAML documents, one policy per file`]);
  let policy: TrafficPolicy;
  try {
    policy = parseTrafficPolicy(documents[0]?.toJS());
  } catch (error) {
    if (error instanceof InvalidTrafficPolicy) throw new InvalidTrafficPolicyFile(file, error.problems);
    throw error;
  }
  if (!known.includes(policy.spec.host)) {
    throw new InvalidTrafficPolicyFile(file, [`spec.host: "${policy.spec.host}" is no MeshMart workload (${known.join(', ')})`]);
  }
  return policy;
}

/**
 * Every `infra/traffic/<workload>.yaml`, by destination workload. A bad file throws naming
 * the file and the field: nothing is rendered from a policy the runtime would refuse.
 */
export function loadTrafficPolicies(workspaceRoot: string, known: readonly string[] = workloads): Map<string, TrafficPolicy> {
  const dir = join(workspaceRoot, TRAFFIC_POLICY_DIR);
  const policies = new Map<string, TrafficPolicy>();
  if (!existsSync(dir)) return policies;
  for (const name of readdirSync(dir)
    .filter((entry) => entry.endsWith('.yaml'))
    .sort()) {
    const file = `${TRAFFIC_POLICY_DIR}/${name}`;
    const policy = parseTrafficPolicyFile(file, readFileSync(join(dir, name), 'utf8'), known);
    const host = policy.spec.host;
    // Named after its destination, so there is one per destination and every rendering can name it.
    if (name !== `${host}.yaml`) throw new InvalidTrafficPolicyFile(file, [`spec.host: the policy of ${host} belongs in ${TRAFFIC_POLICY_DIR}/${host}.yaml`]);
    policies.set(host, policy);
  }
  return policies;
}

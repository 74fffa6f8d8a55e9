import type { ServiceInstance } from '../discovery/service-instance';

/** Labels as a subset selects them. */
export type Labels = Readonly<Record<string, string>>;

/**
 * An instance's labels for subset selection: what it registered in `labels`, plus `version`
 * and `zone`, which always count (as Kubernetes' `version` label and topology zone do in Istio).
 */
export function instanceLabel(instance: ServiceInstance, key: string): string | undefined {
  if (key === 'version') return instance.version;
  if (key === 'zone') return instance.zone;
  return instance.labels?.[key];
}

/** Whether the instance carries every label of the selector (an empty selector selects all). */
export function hasLabels(instance: ServiceInstance, selector: Labels): boolean {
  for (const key in selector) if (instanceLabel(instance, key) !== selector[key]) return false;
  return true;
}

/** The instances a subset's selector picks; the list itself when there is no selector. */
export function selectSubset(instances: readonly ServiceInstance[], selector: Labels | undefined): readonly ServiceInstance[] {
  return selector ? instances.filter((instance) => hasLabels(instance, selector)) : instances;
}

/**
 * `MESH_LABELS` as written in the environment: `k=v,k=v`. Throws a RangeError naming the bad
 * pair, so configuration refuses it at start-up.
 * @example parseLabelList('tier=gold, team=payments') // { tier: 'gold', team: 'payments' }
 */
export function parseLabelList(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const pair of text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)) {
    const match = /^([a-zA-Z0-9._/-]{1,63})=(\S+)$/.exec(pair);
    if (!match?.[1] || !match[2]) throw new RangeError(`"${pair}" is not a label: write key=value`);
    labels[match[1]] = match[2];
  }
  return labels;
}

import { actionConformance } from './action-cases';
import type { ConformanceCase } from './conformance-case';
import { normalizationConformance } from './normalization-cases';
import { pathConformance } from './path-cases';
import { sourceConformance } from './source-cases';

export type { ConformanceCase } from './conformance-case';

/**
 * The authorization conformance table: what Istio's sidecar does, per its reference and its
 * and Envoy's tests, run against the library's matcher (policy-matcher.spec) and against the
 * Envoy RBAC the deploy tool renders (tools/deploy rbac-conformance.spec).
 */
export const authorizationConformance: readonly ConformanceCase[] = [
  ...pathConformance,
  ...normalizationConformance,
  ...sourceConformance,
  ...actionConformance,
];

import { imageOf, type WorkloadDeployment } from '../platform/platform';

/** Where the Kubernetes files per workload are, each folder with a generated kustomization listing them. */
export const PER_WORKLOAD_FOLDERS = ['k8s/base/workloads', 'k8s/istio/traffic', 'k8s/linkerd/traffic', 'k8s/linkerd/policy'] as const;

/** The staging overlay's images and replicas, a Component it includes (the overlay itself names no workload). */
export const STAGING_WORKLOADS = 'k8s/overlays/staging/workloads';
/** Where staging pulls the images from: `<registry>/meshmart/<workload>:<version>`. */
export const STAGING_REGISTRY = 'registry.example.com';
/** Staging runs at least two pods of each workload, so a PodDisruptionBudget of one leaves one serving. */
const STAGING_MIN_REPLICAS = 2;

/** A folder's kustomization: its `<workload>.yaml` files, one per workload. */
export function perWorkloadKustomization(workloads: readonly WorkloadDeployment[]): object {
  return { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: workloads.map((workload) => `${workload.name}.yaml`) };
}

/** Staging's images (from its registry, this version) and replicas of every workload, as a kustomize Component. */
export function stagingWorkloadsComponent(workloads: readonly WorkloadDeployment[], version: string): object {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    images: workloads.map((workload) => {
      const [name = ''] = imageOf(workload.name, version).split(':');
      return { name, newName: `${STAGING_REGISTRY}/${name}`, newTag: version };
    }),
    replicas: workloads.map((workload) => ({ name: workload.name, count: Math.max(STAGING_MIN_REPLICAS, workload.replicas) })),
  };
}

// @meshmart/mesh/testing: test beds for specs that need real mesh peers — echo services behind the
// in-process mesh or an Envoy-like sidecar, a private etcd area, a TCP proxy that can be severed,
// identities from a throwaway CA, and a reader of Prometheus' text format.
export { MeshTestBed } from './testing/mesh-test-bed';
export { SidecarTestBed } from './testing/sidecar-test-bed';
export type { EchoAnswer } from './testing/echo-service';
export { etcdTestContext } from './discovery/testing/etcd-test-context';
export type { EtcdTestContext } from './discovery/testing/etcd-test-context';
export { SeverableTcpProxy } from './discovery/testing/severable-tcp-proxy';
export { listsInstance, waitForInstances } from './discovery/testing/wait-for-instances';
export { parsePrometheusText, samplesOf } from './telemetry/testing/prometheus-text';
export type { PrometheusSample } from './telemetry/testing/prometheus-text';
export { IdentityTestBed } from './identity/identity-test-bed';
// The resilience pipeline alone, for specs that hold another retry loop to the mesh's rule.
export { createCallPipeline } from './resilience/call-pipeline';
export { retryRuleCases } from './errors/testing/retry-rule-cases';

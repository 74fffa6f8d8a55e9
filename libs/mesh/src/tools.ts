// @meshmart/mesh/tools: what the command line and the deployment generator use beside the service
// surface (`@meshmart/mesh`): the mesh CA and certificate files, the authorization model as the
// renderers read it with its conformance table, the registry, traffic policies and OTLP parsing.
export { MeshAuthorizationGuard } from './authz/mesh-authorization.guard';
export { RouteCatalog } from './authz/route-catalog';
export { HealthController } from './server/health.controller';
export { MetricsController } from './server/metrics.controller';
export { loadMeshConfig, meshConfigSchema } from './config/mesh-config';
export type { AuthorizationOperation, AuthorizationPolicy, AuthorizationSource } from './authz/authorization-policy';
export { namespaceRegexSource } from './authz/policy-matcher';
export { normalizeRequestPath, pathForMatching } from './authz/path-normalization';
export { quoteRegex, stringMatchKind } from './authz/string-match';
export { envoyPathTemplate, isPathTemplate } from './authz/uri-template';
export { authorizationConformance } from './authz/conformance/authorization-conformance';
export { toIstioAuthorizationPolicy } from './authz/istio-authorization-policy';
export type { IstioAuthorizationPolicy } from './authz/istio-authorization-policy';
export { policyFromRoutes } from './authz/route-policy';
export type { DeclaredRoute } from './authz/route-policy';
export { createMeshCa, issueWorkloadCertificate } from './identity/certificate-authority';
export type { MeshCa } from './identity/certificate-authority';
export { meshCaFiles, readMeshCa, readWorkloadCertificate, writeMeshCa, writeWorkloadCertificate } from './identity/certificate-files';
export { MtlsAgent } from './identity/mtls-agent';
export { MtlsConnector } from './identity/mtls-connector';
export { mtlsServerOptions } from './identity/mtls-server';
export { isDnsLabel } from './identity/spiffe';
export { EtcdRegistry } from './discovery/etcd-registry';
export type { ServiceView } from './discovery/registry';
export type { ServiceInstance } from './discovery/service-instance';
export { SECRET_FIELDS } from './telemetry/logger';
export { InvalidOtlpExport, spansOfOtlpJson } from './telemetry/otlp-json';
export type { OtlpSpan } from './telemetry/otlp-json';
export { durationSchema, InvalidTrafficPolicy, parseTrafficPolicy } from './traffic/traffic-policy';
export type { HttpMatch, HttpRoute, StringMatch, TrafficPolicy } from './traffic/traffic-policy';
export { TrafficPolicyStore } from './traffic/traffic-policy-store';
export type { StoredFault, StoredTrafficPolicy } from './traffic/traffic-policy-store';
export { UpstreamTraffic } from './traffic/upstream-traffic';

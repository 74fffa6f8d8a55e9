// Public API of @meshmart/mesh. Everything else under src/ is internal.

// NestJS face and server side
export { AccessDenied } from './authz/access-denied';
export { MeshAuthorizationGuard } from './authz/mesh-authorization.guard';
export { AllowAnyPeer, AllowFrom, AllowSource } from './authz/route-access.decorator';
export { RouteCatalog } from './authz/route-catalog';
export type { RouteAccess } from './authz/route-access.decorator';
export { HealthController } from './server/health.controller';
export type { HealthReport, PublicHealthReport } from './server/health.controller';
export { MeshHealthIndicator } from './server/mesh-health.indicator';
export type { MeshHealthSource } from './server/mesh-health.indicator';
export { assessMeshHealth } from './server/mesh-readiness';
export type { MeshHealthPart, MeshHealthSnapshot, MeshHealthStatus } from './server/mesh-readiness';
export { MeshClient } from './server/mesh-client';
export { MeshModule } from './server/mesh.module';
export type { MeshModuleOptions } from './server/mesh.module';
export { MetricsController } from './server/metrics.controller';
export { PROBLEM_CONTENT_TYPE, problemType } from './server/problem-document';
export type { ProblemDocument } from './server/problem-document';
export { ProblemJsonFilter } from './server/problem-json.filter';
export type { HasProblem } from './server/problem-json.filter';
export { currentRequestContext, runOutsideRequest } from './server/request-context';
export { IdempotencyKey, idempotencyKeySchema, parseIdempotencyKey } from './server/idempotency-key';
export { InvalidRequest, ProblemException, ZodValidationPipe } from './server/validation';
export type { FieldError } from './server/validation';
export type { MeshRequestContext } from './server/request-context';
export { runService } from './server/run-service';
export type { RunningService, RunServiceOptions } from './server/run-service';
export { MESH_RUNTIME, PUBLIC_EDGE, SERVICE_NAME } from './server/tokens';

// Configuration and runtime
export { InvalidMeshConfig, loadMeshConfig, meshConfigSchema, parseEnvironment } from './config/mesh-config';
export type { MeshConfig } from './config/mesh-config';
export { serviceConfigSchema } from './config/service-config';
export type { ServiceConfig } from './config/service-config';
export { MeshRuntime } from './runtime/mesh-runtime';
export type { MeshRuntimeOptions } from './runtime/mesh-runtime';
export { StartUpConditions } from './runtime/start-up-conditions';
export type { PendingCondition } from './runtime/start-up-conditions';

// Errors
export { CircuitOpen, ConcurrencyLimitReached, DeadlineExceeded, IdentityRejected, MeshError, NoHealthyUpstream, UpstreamConnectFailure, UpstreamServerError } from './errors/mesh-error';
export { classifyFailure, failureCode } from './errors/failure-class';
export type { FailureClass } from './errors/failure-class';

// Authorization
export { principalOf } from './authz/authorization-policy';
export type { AuthorizationAction, AuthorizationDecision, AuthorizationOperation, AuthorizationPolicy, AuthorizationRequest, AuthorizationRule, AuthorizationSource } from './authz/authorization-policy';
export { authorize, authorizeWorkload, namespaceRegexSource, pathMatches } from './authz/policy-matcher';
export { authorizationPolicySchema, parseAuthorizationPolicy } from './authz/policy-validation';
export { normalizeRequestPath, pathForMatching } from './authz/path-normalization';
export type { NormalizedPath } from './authz/path-normalization';
export { istioStringMatches, quoteRegex, stringMatchKind } from './authz/string-match';
export type { StringMatchKind } from './authz/string-match';
export { envoyPathTemplate, isPathTemplate } from './authz/uri-template';
export { MalformedRequest } from './authz/malformed-request';
// The authorization conformance table (Istio's semantics as data), for the renderers' tests.
export { authorizationConformance } from './authz/conformance/authorization-conformance';
export type { ConformanceCase } from './authz/conformance/authorization-conformance';
export { toIstioAuthorizationPolicy } from './authz/istio-authorization-policy';
export type { IstioAuthorizationPolicy } from './authz/istio-authorization-policy';
export { istioPath, policyFromRoutes } from './authz/route-policy';
export type { DeclaredRoute, IdentityNaming } from './authz/route-policy';

// Identity and mTLS
export { createMeshCa, issueWorkloadCertificate } from './identity/certificate-authority';
export type { CreateMeshCaOptions, MeshCa, WorkloadCertificate, WorkloadCertificateRequest } from './identity/certificate-authority';
export { meshCaFiles, readMeshCa, readWorkloadCertificate, workloadFiles, writeMeshCa, writeWorkloadCertificate } from './identity/certificate-files';
export type { MeshCaFiles } from './identity/certificate-files';
export { IdentityMaterialUnusable, InvalidWorkloadIdentity } from './identity/identity-errors';
export { identityMaterialFromPem, readIdentityMaterial, spiffeIdOfCertificate } from './identity/identity-material';
export type { IdentityFiles, IdentityMaterial, ReadIdentityOptions } from './identity/identity-material';
export { MtlsAgent, mtlsAgent } from './identity/mtls-agent';
export { MtlsConnector } from './identity/mtls-connector';
export type { MtlsAgentOptions } from './identity/mtls-agent';
export { attachRotation, mtlsServerOptions, peerSpiffeId } from './identity/mtls-server';
export type { MtlsServerOptions, SecureContextTarget } from './identity/mtls-server';
export { DEFAULT_TRUST_DOMAIN, isDnsLabel, parseSpiffeId, spiffeId } from './identity/spiffe';
export type { ParsedSpiffeId, SpiffeIdParts } from './identity/spiffe';
export { WorkloadIdentity } from './identity/workload-identity';
export type { IdentitySource, RotationListener, WorkloadIdentityOptions } from './identity/workload-identity';

// Discovery
export { DiscoveryFailed, LeaseLost, RegistrationFailed, RegistryClosed } from './discovery/discovery-errors';
export type { DiscoveryErrorHandler } from './discovery/discovery-errors';
export { DnsRegistry } from './discovery/dns-registry';
export type { DnsLookup, DnsRegistryOptions } from './discovery/dns-registry';
export { EtcdRegistry } from './discovery/etcd-registry';
export type { EtcdRegistryOptions } from './discovery/etcd-registry';
export { createRegistry } from './discovery/registry-config';
export type { CreateRegistryOptions, RegistryConfig } from './discovery/registry-config';
export type { Registration, Registry, ServiceView } from './discovery/registry';
export { endpointOf } from './discovery/service-instance';
export type { ServiceInstance } from './discovery/service-instance';
export { StaticRegistry } from './discovery/static-registry';

// Balancing
export { ActiveHealthChecker } from './balancing/health-checker';
export type { ActiveHealthCheckerOptions } from './balancing/health-checker';
export { LeastRequestBalancer } from './balancing/least-request-balancer';
export { createBalancer } from './balancing/load-balancer';
export type { BalancerOptions, BalancingPolicy, LoadBalancer, PickedInstance } from './balancing/load-balancer';
export { OutlierDetector } from './balancing/outlier-detector';
export type { OutlierDetectorOptions, RequestOutcome } from './balancing/outlier-detector';
export { RandomBalancer } from './balancing/random-balancer';
export { RoundRobinBalancer } from './balancing/round-robin-balancer';
export { WeightedRoundRobinBalancer } from './balancing/weighted-round-robin-balancer';

// Resilience
export { createCallPipeline } from './resilience/call-pipeline';
export type { CallAttempt, CallPipeline, CallPipelineOptions, CallRequest, RetryEvent } from './resilience/call-pipeline';
export { DEADLINE_HEADER, Deadline } from './resilience/deadline';
export { IDEMPOTENCY_KEY_HEADER, isRetryableRequest } from './resilience/idempotency';
export { JitteredBackoff, jitteredBackoffMs } from './resilience/jittered-backoff';
export type { JitteredBackoffOptions } from './resilience/jittered-backoff';
export { resilienceDefaults } from './resilience/resilience-defaults';
export type { ResilienceDefaults } from './resilience/resilience-defaults';
export { RetryBudget } from './resilience/retry-budget';
export { describeWaiting, retryUntilDone } from './resilience/retry-until-done';
export type { RetryUntilDoneOptions, WaitingReport } from './resilience/retry-until-done';
export type { RetryBudgetOptions } from './resilience/retry-budget';

// Traffic management

// Client
export { UpstreamClient, UpstreamFailed } from './client/upstream-client';
export type { UpstreamRequestOptions, UpstreamResponse } from './client/upstream-client';

// Telemetry
export { ISTIO_REQUEST_LABELS } from './telemetry/istio-labels';
export type { MeshDestination, MeshPeer, MeshReporter, MeshRequestRecord } from './telemetry/istio-labels';
export { MeshMetrics } from './telemetry/istio-metrics';
export type { MeshMetricsOptions } from './telemetry/istio-metrics';
export { injectKafkaHeaders, withKafkaConsumerSpan, withKafkaProducerSpan } from './telemetry/kafka-spans';
export type { IncomingKafkaHeaders, OutgoingKafkaHeaders } from './telemetry/kafka-spans';
export { createMeshLogger, currentServiceLogger, SECRET_FIELDS, setServiceLogger } from './telemetry/logger';
export type { MeshLoggerOptions } from './telemetry/logger';
export { MeshInternalMetrics } from './telemetry/mesh-internal-metrics';
export { InvalidOtlpExport, spansOfOtlpJson } from './telemetry/otlp-json';
export type { OtlpAttributeValue, OtlpSpan } from './telemetry/otlp-json';
export { serviceCounter, serviceGauge, serviceHistogram } from './telemetry/service-metrics';
export { startTracing, withClientSpan, withServerSpan } from './telemetry/tracing';
export type { HttpSpan, RunningTracing, TracingOptions } from './telemetry/tracing';

// Traffic management
export { durationSchema, faultSchema, httpMatchSchema, httpRouteSchema, InvalidTrafficPolicy, parseTrafficPolicy, retriesSchema, stringMatchSchema, subsetSchema, trafficPolicySchema } from './traffic/traffic-policy';
export type { FaultInjection, HttpMatch, HttpRoute, StringMatch, Subset, TrafficPolicy, TrafficPolicyInput } from './traffic/traffic-policy';
export { compileTrafficRouter, drawFault, NO_ROUTE } from './traffic/traffic-router';
export type { CompiledFault, FaultDraw, RouteDecision, TrafficRouter } from './traffic/traffic-router';
export { hasLabels, instanceLabel, parseLabelList, selectSubset } from './traffic/instance-labels';
export type { Labels } from './traffic/instance-labels';
export { localityLoads, selectLocality, zoneHealth } from './traffic/locality-selection';
export { TrafficPolicyStore } from './traffic/traffic-policy-store';
export type { StoredFault, StoredTrafficPolicy, TrafficPolicyStoreOptions } from './traffic/traffic-policy-store';
export { TrafficPolicyWatch } from './traffic/traffic-policy-watch';
export type { TrafficKeyChange, TrafficPolicyWatchOptions } from './traffic/traffic-policy-watch';
export { trafficKeyOf, trafficKeys } from './traffic/traffic-keys';
export { injectedFaultSchema, withInjectedFault } from './traffic/fault-overlay';
export type { InjectedFault, InjectedFaultInput } from './traffic/fault-overlay';
export { NoRoute, PerTryTimeout, UpstreamTraffic } from './traffic/upstream-traffic';
export type { ActiveTrafficPolicy, UpstreamTrafficOptions } from './traffic/upstream-traffic';
export type { LocalityLoads, ZoneHealth } from './traffic/locality-selection';

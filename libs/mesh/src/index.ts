// @meshmart/mesh: what a service's code uses — the Nest module and decorators, the client, the
// problem documents, the start-up and retry helpers and the service's own metrics and Kafka spans.
// Tools import `@meshmart/mesh/tools` (the CA, renderers' inputs, the registry and traffic stores),
// tests `@meshmart/mesh/testing` (test beds). Everything else under src/ is internal: a service
// loads only what it runs.
export { AccessDenied } from './authz/access-denied';
export { AllowAnyPeer, AllowFrom, AllowSource } from './authz/route-access.decorator';
export type { RouteAccess } from './authz/route-access.decorator';
export { MeshClient } from './server/mesh-client';
export { MeshModule } from './server/mesh.module';
export type { MeshModuleOptions } from './server/mesh.module';
export { PROBLEM_CONTENT_TYPE, problemType } from './problems/problem-document';
export type { ProblemDocument } from './problems/problem-document';
export { ProblemJsonFilter } from './server/problem-json.filter';
export type { HasProblem } from './server/problem-json.filter';
export { currentRequestContext, runOutsideRequest } from './context/request-context';
export { IdempotencyKey, idempotencyKeySchema, parseIdempotencyKey } from './server/idempotency-key';
export { InvalidRequest, ProblemException, ZodValidationPipe } from './server/validation';
export type { FieldError } from './server/validation';
export type { MeshRequestContext } from './context/request-context';
export { runService } from './server/run-service';
export type { RunningService, RunServiceOptions } from './server/run-service';
export { MESH_RUNTIME, PUBLIC_EDGE, SERVICE_NAME } from './runtime/tokens';
export { parseEnvironment } from './config/mesh-config';
export type { MeshConfig } from './config/mesh-config';
export { serviceConfigSchema } from './config/service-config';
export type { ServiceConfig } from './config/service-config';
export { MeshRuntime } from './runtime/mesh-runtime';
export { StartUpConditions } from './runtime/start-up-conditions';
export type { PendingCondition } from './runtime/start-up-conditions';
export {
  CircuitOpen,
  ConcurrencyLimitReached,
  DeadlineExceeded,
  IdentityRejected,
  MeshError,
  NoHealthyUpstream,
  UpstreamConnectFailure,
  UpstreamServerError,
} from './errors/mesh-error';
export { classifyAnswer, classifyFailure, failureCode } from './errors/failure-class';
export type { FailureClass } from './errors/failure-class';
export { workloadFiles } from './identity/certificate-files';
export { mtlsAgent } from './identity/mtls-agent';
export { spiffeId } from './identity/spiffe';
export { WorkloadIdentity } from './identity/workload-identity';
export { DEADLINE_HEADER } from './resilience/deadline';
export { IDEMPOTENCY_KEY_HEADER } from './resilience/idempotency';
export { JitteredBackoff, jitteredBackoffMs } from './resilience/jittered-backoff';
export type { JitteredBackoffOptions } from './resilience/jittered-backoff';
export { resilienceDefaults } from './resilience/resilience-defaults';
export type { ResilienceDefaults } from './resilience/resilience-defaults';
export { describeWaiting, retryUntilDone } from './resilience/retry-until-done';
export type { RetryUntilDoneOptions, WaitingReport } from './resilience/retry-until-done';
export { UpstreamClient, UpstreamFailed } from './client/upstream-client';
export type { UpstreamRequestOptions, UpstreamResponse } from './client/upstream-client';
export { MeshMetrics } from './telemetry/istio-metrics';
export { injectKafkaHeaders, withKafkaConsumerSpan, withKafkaProducerSpan } from './telemetry/kafka-spans';
export type { IncomingKafkaHeaders, OutgoingKafkaHeaders } from './telemetry/kafka-spans';
export { currentServiceLogger } from './telemetry/logger';
export { serviceCounter, serviceGauge, serviceHistogram } from './telemetry/service-metrics';
export { otlpTraceExporter } from './telemetry/tracing';

import { type DynamicModule, Global, Module, type Type } from '@nestjs/common';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadMeshConfig, type MeshConfig } from '../config/mesh-config';
import { normalizeUrl, refuseMalformedPaths } from '../authz/normalized-routing';
import { attachRotation, mtlsServerOptions } from '../identity/mtls-server';
import { MeshRuntime, type MeshRuntimeOptions } from '../runtime/mesh-runtime';
import { createMeshLogger, setServiceLogger } from '../telemetry/logger';
import { logProcessWarnings, MeshNestLogger } from '../telemetry/nest-logger';
import type { MeshModuleOptions } from './mesh.module';
import { problemJsonFrameworkOptions } from './framework-errors';
import { installRequestHooks } from './request-hooks';
import { installStartUpGate } from './start-up-gate';
import { MESH_RUNTIME } from '../runtime/tokens';

export interface RunServiceOptions {
  /** The same options the app's module gives `MeshModule.forRoot`. */
  mesh: MeshModuleOptions;
  /** The app's root module. */
  module: Type<unknown>;
  /** Default port when PORT is not set. */
  defaultPort: number;
  /** Default of MESH_LISTENER: `plain` only for the gateway's public edge. */
  listener?: 'mtls' | 'plain';
  env?: NodeJS.ProcessEnv;
  /**
   * Runs on the created app before the mesh installs its request hooks, so hooks added here see
   * each request first (the public edge drops headers only the mesh may set before they are read).
   */
  beforeMeshHooks?: (app: NestFastifyApplication) => void;
  /** Runs on the created app before it listens (e.g. to mount OpenAPI docs). */
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  /** Tests inject a span exporter. */
  tracing?: MeshRuntimeOptions['tracing'];
}

export interface RunningService {
  app: NestFastifyApplication;
  runtime: MeshRuntime;
  config: MeshConfig;
  url: string;
  /** The graceful stop: deregister, finish in-flight requests, close. */
  stop(): Promise<void>;
}

/**
 * Boots a service behind the mesh: validated configuration, the mesh runtime (identity,
 * discovery, telemetry), an mTLS listener that follows certificate rotation, registration in
 * discovery once listening, and a graceful stop on SIGTERM/SIGINT. Everything it and Nest log
 * is JSON (service, instance, trace ids; see `createMeshLogger`), including two lines that the
 * demo and the tests read: `<service> listening on <url> as <instance id>` as soon as it
 * serves, and `<service> ready as <instance id>` once nothing it started with is pending.
 *
 * Parts that need the network (database, Kafka, consumers joining their group) start in the
 * background and hold `runtime.startUp` until they are met, so a restart serves within
 * seconds: an instance whose database is still unreachable listens (readiness says why it is
 * not ready, other routes answer 503) and registers in discovery once it is reached.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const config = loadMeshConfig(options.env ?? process.env, { PORT: String(options.defaultPort), MESH_LISTENER: options.listener ?? 'mtls' });
  const { service } = options.mesh;
  const runtime = await MeshRuntime.start({
    service,
    upstreams: options.mesh.upstreams ?? [],
    config,
    ...(options.tracing ? { tracing: options.tracing } : {}),
  });
  const logger = createMeshLogger({ service, instance: runtime.instanceId, level: config.LOG_LEVEL });
  logProcessWarnings(logger);
  setServiceLogger(logger);
  let app: NestFastifyApplication | undefined;
  try {
    const https = runtime.identity && config.MESH_LISTENER === 'mtls' ? mtlsServerOptions(runtime.identity) : undefined;
    // Where the library enforces the policy it also normalizes paths first, as the sidecar does.
    const enforcing = config.MESH_MODE !== 'sidecar' && config.MESH_LISTENER === 'mtls';
    const adapter = new FastifyAdapter({
      bodyLimit: config.HTTP_BODY_LIMIT_BYTES,
      ...problemJsonFrameworkOptions(),
      ...(https ? { https } : {}),
      ...(enforcing ? { rewriteUrl: normalizeUrl } : {}),
    });
    app = await NestFactory.create<NestFastifyApplication>(withRuntime(options.module, runtime), adapter, { logger: new MeshNestLogger(logger) });
    const draining = { value: false };
    if (enforcing) refuseMalformedPaths(app.getHttpAdapter().getInstance());
    options.beforeMeshHooks?.(app);
    installRequestHooks(app.getHttpAdapter().getInstance(), runtime, draining);
    installStartUpGate(app.getHttpAdapter().getInstance(), runtime);
    await options.configure?.(app);
    await app.listen(config.PORT, config.HOST);
    if (https && runtime.identity) attachRotation(app.getHttpServer() as unknown as HttpsServer, runtime.identity);
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const url = `${https ? 'https' : 'http'}://${runtime.instanceAt(port).address}:${port}`;
    const started = app;
    const stopping = new AbortController();
    // Announced in discovery once it can serve: at once, or when what blocks traffic (its
    // database) is reached. It listens meanwhile, so readiness can say what it waits for.
    const registering = announceWhenServing(runtime, port, stopping.signal);
    if (!runtime.startUp.blocksTraffic()) await registering;
    const stop = once(async () => {
      stopping.abort();
      await registering.catch(() => undefined);
      await runtime.deregister();
      // From now on every answer says `connection: close`, so callers stop reusing pooled sockets.
      draining.value = true;
      // Callers' views drop this instance within a watch event; give in-flight picks that moment.
      await new Promise((resolve) => setTimeout(resolve, config.MESH_DRAIN_MS));
      await closeWithin(started, config.MESH_STOP_TIMEOUT_MS);
      await runtime.close();
    });
    stopOnSignal(service, logger, stop);
    registering.catch((error: unknown) => {
      logger.error({ err: error }, `${service} could not register in discovery; stopping`);
      void stop().finally(() => process.exit(1));
    });
    logger.info({ url }, `${service} listening on ${url} as ${runtime.instanceId}`);
    void reportReady(runtime, registering, stopping.signal, (pending) => logger.info({ url }, `${service} ready as ${runtime.instanceId}${pending}`));
    return { app, runtime, config, url, stop };
  } catch (error) {
    await app?.close();
    await runtime.close();
    throw error;
  }
}

/** Registers the instance once nothing that blocks traffic is pending (unless it is stopping by then). */
async function announceWhenServing(runtime: MeshRuntime, port: number, stopping: AbortSignal): Promise<void> {
  await untilAborted(runtime.startUp.whenTrafficAllowed(), stopping);
  if (!stopping.aborted) await runtime.register(port);
}

/** Resolves when `promise` does, or at once when `signal` aborts. */
function untilAborted(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    signal.addEventListener('abort', () => resolve(), { once: true });
    void promise.then(resolve);
  });
}

/** Says once, in one line, when everything the instance started with is met: the demo and tests wait for it. */
async function reportReady(runtime: MeshRuntime, registering: Promise<void>, stopping: AbortSignal, log: (detail: string) => void): Promise<void> {
  const started = Date.now();
  await registering.catch(() => undefined);
  await untilAborted(runtime.startUp.whenAllMet(), stopping);
  if (stopping.aborted) return;
  const waited = Date.now() - started;
  log(waited >= 1_000 ? ` (after waiting ${(waited / 1000).toFixed(1)}s for start-up conditions)` : '');
}

/** Closes the app, waiting for in-flight requests at most `timeoutMs`; then cuts what is left. */
async function closeWithin(app: NestFastifyApplication, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
  const outcome = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') (app.getHttpServer() as unknown as { closeAllConnections(): void }).closeAllConnections();
}

/** Hosts the app's module beside a global module that provides the runtime. */
function withRuntime(appModule: Type<unknown>, runtime: MeshRuntime): DynamicModule {
  @Global()
  @Module({ providers: [{ provide: MESH_RUNTIME, useValue: runtime }], exports: [MESH_RUNTIME] })
  class MeshRuntimeModule {}
  return { module: MeshRuntimeModule, imports: [appModule] };
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

/** SIGTERM/SIGINT drain and stop the service; the process exits 0 on a clean stop. */
function stopOnSignal(service: string, logger: Logger, stop: () => Promise<void>): void {
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, `${service} stopping on ${signal}`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'did not stop cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

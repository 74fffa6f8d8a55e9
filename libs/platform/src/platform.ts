import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { isEdgeWorkload, operatorIdentity, type Workload, workloadDescriptor, workloadDescriptors, workloads } from '@meshmart/contracts';
import { type AppProcess, type StartedWhen, startApp } from './app-process';
import { runMeshmart } from './meshmart-cli';
import { MeshHttpsClient } from './mesh-https';
import { findWorkspaceRoot, type StackEndpoints } from './stack-endpoints';

export interface PlatformOptions {
  stack: StackEndpoints;
  /** Folder for the mesh CA and workload certificates (made here by the `meshmart certs` CLI). */
  certDir: string;
  /** Mesh namespace: the registry prefix and the SPIFFE IDs. Default `meshmart`. */
  namespace?: string;
  /** Instances per workload; default each workload's descriptor's `replicas` (as the demo runs). */
  replicas?: Partial<Record<Workload, number>>;
  /** Suffix of every service database (`meshmart_order_<suffix>`), to keep a run apart; default none. */
  databaseSuffix?: string;
  /**
   * Put before every Kafka topic and consumer group of its services (their `KAFKA_PREFIX`, e.g.
   * `e2e-3fa1c2.`), to keep a run apart on a shared broker: without it, two platforms on one
   * broker split each other's consumer groups. Default none: the names as written, as the demo
   * has them. The platform's stop deletes what was made under it.
   */
  kafkaPrefix?: string;
  /** Extra environment for every app (e.g. SAGA_TIMEOUT_MS), or per workload. */
  env?: Record<string, string>;
  envOf?: Partial<Record<Workload, Record<string, string>>>;
  /** The gateway's HS256 key; default a fresh random one. */
  jwtSecret?: string;
  /** Write each instance's output to `<logDir>/<instance>.log` and detach it, so it outlives this process. */
  logDir?: string;
  /** Told about each started instance. */
  onStarted?: (app: AppProcess) => void;
}

export interface Platform {
  apps: AppProcess[];
  gateway: AppProcess;
  namespace: string;
  /** Before every Kafka topic and consumer group of its services (`''` when none): `order-service.checkout-saga` is `${kafkaPrefix}order-service.checkout-saga` on the broker. */
  kafkaPrefix: string;
  /** The HS256 key of the gateway: sign shoppers' tokens with it. */
  jwtSecret: string;
  /** Calls services directly as the `operator` identity (catalogue administration). */
  operator: MeshHttpsClient;
  instancesOf(workload: Workload): AppProcess[];
  /**
   * Starts one more instance of a workload (e.g. to replace a killed one), resolving when it is
   * ready (or only listening). `env` is this instance's own (e.g. `MESH_VERSION` of a canary),
   * kept by its slot across restarts.
   */
  startInstance(workload: Workload, until?: StartedWhen, env?: Record<string, string>): Promise<AppProcess>;
  /** The `MESH_VERSION` an instance was started with, when the platform or its slot set one (else the mesh's default applies). */
  versionOf(app: AppProcess): string | undefined;
  /** The slot an instance fills, `<workload>-<n>`: the name its restarts keep. */
  slotOf(app: AppProcess): string;
  /** Starts a new process in the slot of `previous` (which has ended) and puts it in its place. */
  restartInstance(previous: AppProcess, until?: StartedWhen): Promise<AppProcess>;
  /** Stops every instance (SIGTERM), and drops the run's databases when it had a suffix. */
  stop(): Promise<void>;
}

/** Instances per workload, from the workloads' descriptors. */
export const defaultReplicas: Readonly<Record<Workload, number>> = Object.fromEntries(
  workloadDescriptors.map((workload) => [workload.name, workload.replicas]),
) as Record<Workload, number>;

/** The database a workload's instances use in a platform started with `databaseSuffix` (its descriptor's; none for a workload without state). */
export function databaseOf(workload: Workload, suffix: string | undefined): string | undefined {
  const base = workloadDescriptor(workload).database;
  if (base === undefined) return undefined;
  return suffix ? `${base}_${suffix}` : base;
}

/**
 * Makes the certificates of `services` (default: every workload and the operator) with the real
 * CLI, as the demo does. They are issued from `caDir`'s mesh CA when given (the stack's, so its
 * Prometheus can scrape them), else from a CA made in `certDir`.
 */
export function makeCertificates(certDir: string, namespace: string, services: readonly string[] = [...workloads, operatorIdentity], caDir?: string): void {
  const root = findWorkspaceRoot();
  if (caDir && resolve(caDir) !== resolve(certDir) && !existsSync(join(certDir, 'ca.crt'))) {
    mkdirSync(certDir, { recursive: true });
    copyFileSync(join(caDir, 'ca.crt'), join(certDir, 'ca.crt'));
    copyFileSync(join(caDir, 'ca.key'), join(certDir, 'ca.key'));
    chmodSync(join(certDir, 'ca.key'), 0o600);
  }
  const result = spawnSync(
    process.execPath,
    [join(root, 'tools', 'meshmart', 'bin', 'meshmart.cjs'), 'certs', '--out', certDir, '--namespace', namespace, '--services', services.join(',')],
    { encoding: 'utf8', cwd: root },
  );
  if (result.status !== 0) throw new Error(`meshmart certs failed: ${result.stderr || result.stdout}`);
}

/** What every service process needs to reach the stack and join the mesh: etcd, its certificates, Postgres, Kafka. */
export function serviceEnv(stack: StackEndpoints, mesh: { certDir: string; namespace: string }): Record<string, string> {
  return {
    ETCD_ENDPOINTS: stack.etcd.endpoints.join(','),
    MESH_CERT_DIR: mesh.certDir,
    MESH_NAMESPACE: mesh.namespace,
    DATABASE_URL: stack.postgres.url,
    KAFKA_BROKERS: stack.kafka.brokers.join(','),
  };
}

/**
 * Starts the whole platform as the demo does: every workload as its own process, registered
 * in etcd, serving over mTLS (the gateway plaintext, as the public edge), each service on its
 * own Postgres database, events through Kafka.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const namespace = options.namespace ?? 'meshmart';
  if (options.kafkaPrefix !== undefined && !/^[A-Za-z0-9._-]{0,99}[.-]$/.test(options.kafkaPrefix))
    throw new Error(`kafkaPrefix "${options.kafkaPrefix}": letters, digits, ".", "_" and "-", ending in "." or "-" (e.g. "${namespace}.")`);
  const jwtSecret = options.jwtSecret ?? randomBytes(32).toString('base64url');
  makeCertificates(options.certDir, namespace, undefined, options.stack.mesh?.caDir);
  const common: Record<string, string> = {
    ...serviceEnv(options.stack, { certDir: options.certDir, namespace }),
    GATEWAY_JWT_SECRET: jwtSecret,
    ...(options.kafkaPrefix ? { KAFKA_PREFIX: options.kafkaPrefix } : {}),
    ...options.env,
  };
  const envOf = (workload: Workload, index: number, own: Record<string, string>): Record<string, string> => {
    const database = databaseOf(workload, options.databaseSuffix);
    return {
      ...common,
      ...(database ? { DATABASE_NAME: database } : {}),
      MESH_INSTANCE_ID: `${workload}-${index + 1}-${randomBytes(2).toString('hex')}`,
      ...options.envOf?.[workload],
      ...own,
    };
  };
  const counters = new Map<Workload, number>();
  const apps: AppProcess[] = [];
  const slots = new Map<AppProcess, { workload: Workload; index: number; own: Record<string, string>; version: string | undefined }>();
  const startInSlot = async (workload: Workload, index: number, until: StartedWhen, own: Record<string, string>) => {
    const env = envOf(workload, index, own);
    const app = await startApp(workload, env, 60_000, options.logDir ? join(options.logDir, `${env['MESH_INSTANCE_ID'] ?? workload}.log`) : undefined, until);
    slots.set(app, { workload, index, own, version: env['MESH_VERSION'] });
    apps.push(app);
    options.onStarted?.(app);
    return app;
  };
  const startInstance = async (workload: Workload, until: StartedWhen = 'ready', own: Record<string, string> = {}) => {
    const index = counters.get(workload) ?? 0;
    counters.set(workload, index + 1);
    return startInSlot(workload, index, until, own);
  };
  const slotOf = (app: AppProcess) => {
    const slot = slots.get(app);
    if (!slot) throw new Error(`${app.instanceId} is not an instance of this platform`);
    return `${slot.workload}-${slot.index + 1}`;
  };
  const restartInstance = async (previous: AppProcess, until: StartedWhen = 'ready') => {
    const slot = slots.get(previous);
    if (!slot) throw new Error(`${previous.instanceId} is not an instance of this platform`);
    const app = await startInSlot(slot.workload, slot.index, until, slot.own);
    apps.splice(apps.indexOf(previous), 1);
    slots.delete(previous);
    return app;
  };
  const replicas = { ...defaultReplicas, ...options.replicas };
  // The first instance of each service migrates its database; the replicas start after it.
  const first = await Promise.allSettled(workloads.map((workload) => startInstance(workload)));
  const more = first.every((start) => start.status === 'fulfilled')
    ? await Promise.allSettled(workloads.flatMap((workload) => Array.from({ length: replicas[workload] - 1 }, () => startInstance(workload))))
    : [];
  const failed = [...first, ...more].find((start): start is PromiseRejectedResult => start.status === 'rejected');
  const operator = new MeshHttpsClient(options.certDir, operatorIdentity);
  const stop = async () => {
    operator.close();
    await Promise.all(apps.map((app) => app.stop()));
    if (options.databaseSuffix)
      await dropDatabases(
        options.stack.postgres.url,
        workloads.flatMap((workload) => databaseOf(workload, options.databaseSuffix) ?? []),
      );
    if (options.kafkaPrefix) await deleteKafkaNames(options.stack.kafka.brokers, options.kafkaPrefix);
  };
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    apps,
    gateway: apps.find((app) => isEdgeWorkload(app.name)) as AppProcess,
    namespace,
    kafkaPrefix: options.kafkaPrefix ?? '',
    jwtSecret,
    operator,
    instancesOf: (workload) => apps.filter((app) => app.name === workload),
    startInstance,
    versionOf: (app) => slots.get(app)?.version,
    slotOf,
    restartInstance,
    stop,
  };
}

/**
 * Deletes what a platform made under `prefix` on the broker, with `meshmart kafka drop` (as an
 * operator would). Clean-up, not the platform's work: a failure is a warning, never the error
 * a caller sees.
 */
async function deleteKafkaNames(brokers: readonly string[], prefix: string): Promise<void> {
  const run = await runMeshmart(['kafka', 'drop', prefix], { env: { ...process.env, KAFKA_BROKERS: brokers.join(',') } });
  if (run.code !== 0)
    process.emitWarning(
      `meshmart kafka drop ${prefix} ended with ${String(run.code ?? run.signal)}: ${(run.stderr || run.stdout).trim()}`,
      'PlatformCleanupWarning',
    );
}

/** Drops databases (closing their connections): what a test that made a throw-away database does after. */
export async function dropDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

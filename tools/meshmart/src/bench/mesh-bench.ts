import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { MeshRuntime, spiffeId, workloadFiles, WorkloadIdentity } from '@meshmart/mesh';
import {
  createMeshCa,
  issueWorkloadCertificate,
  loadMeshConfig,
  MtlsAgent,
  MtlsConnector,
  UpstreamTraffic,
  writeMeshCa,
  writeWorkloadCertificate,
} from '@meshmart/mesh/tools';
import { type AppProcess, type StackEndpoints, type StartedWhen, startService } from '@meshmart/platform';
import { type CpuProfile, profileWhile, stageShares } from './cpu-stages';
import { type LoadResult, runAtRate, runLoad } from './load';
import { type MeasuredLoad, type MeshBenchMeasurement, type VariantName, VARIANTS, writeMeshReport } from './mesh-report';
import { processCpuMs } from './process-cpu';

export interface MeshBenchOptions {
  root: string;
  stack: StackEndpoints;
  durationMs: number;
  concurrency: number;
  rounds: number;
  /** Rate of the open-loop latency phase, in requests per second. */
  ratePerSecond: number;
  /** Profile (b) on both sides and split its CPU by stage; default true. */
  profile?: boolean;
  /** Where `mesh.{json,md,svg}` go; default `bench/results` under `root`. */
  outDir?: string;
}

interface Variant {
  call: () => Promise<void>;
  server: AppProcess;
}

/**
 * The mesh hop measured in one run, on loopback: CPU per call on each side and throughput for
 * (b) a call through `libs/mesh` and for calls with parts of it taken away (see `VARIANTS`),
 * the open-loop latency per hop at a fixed rate, a real-work route that reads Postgres, and a
 * profiled run of (b) that splits its CPU by stage. Rounds alternate all calls, so drift on
 * the machine hits each alike. Writes `bench/results/mesh.{json,md,svg}`.
 */
export async function runMeshBench(options: MeshBenchOptions): Promise<ReturnType<typeof writeMeshReport>> {
  const loadAverage = loadavg();
  const certDir = mkdtempSync(join(tmpdir(), 'meshmart-bench-'));
  const namespace = `bench${Date.now().toString(36)}`;
  const script = (...path: string[]) => join(options.root, ...path);
  const echoScript = script('libs', 'mesh', 'src', 'testing', 'echo-service.ts');
  const benchDir = ['tools', 'meshmart', 'src', 'bench'];
  const processes: AppProcess[] = [];
  const closers: (() => unknown)[] = [];
  try {
    const ca = await createMeshCa();
    await writeMeshCa(certDir, ca);
    for (const service of ['echo-service', 'db-echo-service', 'mesh-test-client'])
      await writeWorkloadCertificate(certDir, service, await issueWorkloadCertificate(ca, { namespace, service }));
    const etcd = options.stack.etcd.endpoints.join(',');
    const common = { PORT: '0', MESH_NAMESPACE: namespace };
    const meshEnv = { ETCD_ENDPOINTS: etcd, MESH_CERT_DIR: certDir };
    const asideEnv = { MESH_MODE: 'sidecar', MESH_LISTENER: 'plain' };

    // The bare and framework servers are not mesh services: they print only their `listening on` line.
    const start = async (name: string, path: string, env: NodeJS.ProcessEnv, until: StartedWhen = 'ready') => {
      const started = await startService(name, path, { ...common, ...env }, 60_000, undefined, until);
      processes.push(started);
      return started;
    };
    const database = { DATABASE_URL: options.stack.postgres.url };
    const servers = {
      direct: await start('echo-service', echoScript, asideEnv),
      meshed: await start('echo-service', echoScript, meshEnv),
      framework: await start('framework-echo', script(...benchDir, 'framework-echo-server.ts'), { BARE_CERT_DIR: certDir }, 'listening'),
      bareHttp: await start('bare-echo', script(...benchDir, 'bare-echo-server.ts'), {}, 'listening'),
      bareMtls: await start('bare-echo', script(...benchDir, 'bare-echo-server.ts'), { BARE_CERT_DIR: certDir }, 'listening'),
      dbDirect: await start('db-echo-service', script(...benchDir, 'db-echo-service.ts'), { ...asideEnv, ...database }),
      dbMeshed: await start('db-echo-service', script(...benchDir, 'db-echo-service.ts'), { ...meshEnv, ...database }),
    };

    const plainAgent = new HttpAgent({ keepAlive: true, maxSockets: options.concurrency });
    const clientIdentity = await WorkloadIdentity.load(workloadFiles(certDir, 'mesh-test-client'));
    const echoId = spiffeId({ namespace, serviceAccount: 'echo-service' });
    const mtlsAgent = new MtlsAgent(clientIdentity, { expectedSpiffeId: echoId, maxSockets: options.concurrency });
    const connector = new MtlsConnector(clientIdentity, echoId);
    const undiciPool = new Pool(servers.bareMtls.url, {
      connections: options.concurrency,
      connect: (o, done) =>
        void connector.connect(o.hostname, Number(o.port), (error, socket) =>
          socket ? done(null, socket) : done(error ?? new Error('mTLS connection failed'), null),
        ),
    });
    closers.push(
      () => plainAgent.destroy(),
      () => mtlsAgent.destroy(),
      () => undiciPool.destroy(),
      () => clientIdentity.close(),
    );
    const runtime = await MeshRuntime.start({
      service: 'mesh-test-client',
      upstreams: ['echo-service', 'db-echo-service'],
      config: loadMeshConfig({ HOST: '127.0.0.1', PORT: '0', MESH_NAMESPACE: namespace, ...meshEnv }),
    });
    closers.push(() => runtime.close());
    const meshGet = (service: string, path: string) => async () => {
      const answer = await runtime.client(service).get(path);
      if (answer.status !== 200) throw new Error(`status ${answer.status}`);
    };

    const variants: Record<VariantName, Variant> = {
      direct: { call: () => getOk(`${servers.direct.url}/echo`, plainAgent), server: servers.direct },
      mesh: { call: meshGet('echo-service', '/echo'), server: servers.meshed },
      meshServerOnly: { call: () => getOk(`${servers.meshed.url}/echo`, mtlsAgent), server: servers.meshed },
      frameworkMtls: { call: () => getOk(`${servers.framework.url}/echo`, mtlsAgent), server: servers.framework },
      bareHttp: { call: () => getOk(`${servers.bareHttp.url}/echo`, plainAgent), server: servers.bareHttp },
      bareMtls: { call: () => getOk(`${servers.bareMtls.url}/echo`, mtlsAgent), server: servers.bareMtls },
      bareMtlsUndici: { call: () => getOkUndici(undiciPool, '/echo'), server: servers.bareMtls },
      dbDirect: { call: () => getOk(`${servers.dbDirect.url}/db`, plainAgent), server: servers.dbDirect },
      dbMesh: { call: meshGet('db-echo-service', '/db'), server: servers.dbMeshed },
    };
    const names = Object.keys(VARIANTS) as VariantName[];

    const load = { concurrency: options.concurrency, durationMs: options.durationMs };
    // Warm every path (JIT, connection pools, TLS sessions) before measuring.
    for (const name of names) await runLoad(variants[name].call, { ...load, durationMs: 1_000 });
    const runs = Object.fromEntries(names.map((name) => [name, [] as MeasuredLoad[]])) as Record<VariantName, MeasuredLoad[]>;
    for (let round = 1; round <= options.rounds; round++) {
      for (const name of names) runs[name].push(await measureLoad(variants[name], load));
      console.log(`  round ${round}/${options.rounds}: ${names.map((name) => `${name} ${fmt(runs[name].at(-1))}`).join(' | ')}`);
    }
    // The latency rounds alternate too: a pause of the machine (another process's burst, a GC)
    // lands in one round of one call, and the median round leaves it out of both.
    const rate = { ratePerSecond: options.ratePerSecond, durationMs: options.durationMs };
    const rateRuns = { direct: [] as LoadResult[], mesh: [] as LoadResult[] };
    for (let round = 1; round <= options.rounds; round++) {
      rateRuns.direct.push(await runAtRate(variants.direct.call, rate));
      rateRuns.mesh.push(await runAtRate(variants.mesh.call, rate));
      console.log(
        `  at ${options.ratePerSecond} req/s, round ${round}/${options.rounds}: direct ${fmt(rateRuns.direct.at(-1))} p99 ${rateRuns.direct.at(-1)?.p99Ms.toFixed(2)} ms | mesh ${fmt(rateRuns.mesh.at(-1))} p99 ${rateRuns.mesh.at(-1)?.p99Ms.toFixed(2)} ms`,
      );
    }
    const atRate = { direct: medianBy(rateRuns.direct, (r) => r.p99Ms), mesh: medianBy(rateRuns.mesh, (r) => r.p99Ms) };
    const routingStepNs = measureRoutingStep();
    console.log(`  routing step without a policy: ${routingStepNs.toFixed(1)} ns per call`);
    const measurement: MeshBenchMeasurement = {
      routingStepNs,
      settings: { concurrency: options.concurrency, durationMs: options.durationMs, rounds: options.rounds, ratePerSecond: options.ratePerSecond },
      saturated: Object.fromEntries(names.map((name) => [name, median(runs[name])])) as Record<VariantName, MeasuredLoad>,
      atRate,
      loadAverage,
    };
    if (options.profile !== false) {
      console.log('  profiling (b) on both sides…');
      measurement.stages = await profileMeshCall({
        runtime,
        meshed: servers.meshed,
        start: () =>
          start('echo-service', echoScript, { ...meshEnv, NODE_OPTIONS: `--cpu-prof --cpu-prof-interval 100 --cpu-prof-dir=${join(certDir, 'profile')}` }),
        profileDir: join(certDir, 'profile'),
        call: variants.mesh.call,
        load,
      });
    }
    const markdown = writeMeshReport(options.outDir ?? join(options.root, 'bench', 'results'), measurement);
    console.log(`\n${markdown}`);
    return markdown;
  } finally {
    for (const close of closers.reverse()) await close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    rmSync(certDir, { recursive: true, force: true });
  }
}

/**
 * (b) once more, under both profilers: this process's own (the inspector's) for the client, and
 * `--cpu-prof` in a fresh echo service that takes the measured one's place in discovery for the
 * server (its profile is written when it exits, start-up samples are left out when it is read).
 */
async function profileMeshCall(p: {
  runtime: MeshRuntime;
  meshed: AppProcess;
  start: () => Promise<AppProcess>;
  profileDir: string;
  call: () => Promise<void>;
  load: { concurrency: number; durationMs: number };
}) {
  const profiled = await p.start();
  await p.meshed.stop();
  await waitUntil(() => p.runtime.registryView('echo-service').length === 1, 10_000, 'the profiled echo service to be the only one in discovery');
  await runLoad(p.call, { ...p.load, durationMs: 1_000 });
  const { profile: client } = await profileWhile(() => runLoad(p.call, p.load));
  await profiled.stop();
  const file = readdirSync(p.profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (!file) throw new Error(`the profiled echo service wrote no profile into ${p.profileDir}`);
  const server = JSON.parse(readFileSync(join(p.profileDir, file), 'utf8')) as CpuProfile;
  return { client: stageShares(client), server: stageShares(server) };
}

/**
 * The client's routing step with no traffic policy set, alone: what every call pays for traffic
 * management it does not use (issue 14's bound: 5 µs). Timed over a million calls, in ns.
 */
function measureRoutingStep(): number {
  const traffic = new UpstreamTraffic({ service: 'echo-service', callerZone: 'local' });
  const headers = { accept: 'application/json' };
  let routed = 0;
  for (let i = 0; i < 100_000; i++) if (traffic.route('GET', '/echo', headers)) routed++;
  const calls = 1_000_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) if (traffic.route('GET', '/echo', headers)) routed++;
  const elapsed = Number(process.hrtime.bigint() - started);
  if (routed > 0) throw new Error('a call was routed with no traffic policy set');
  return elapsed / calls;
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A closed-loop run of one variant, with the CPU this process and its server spent on it. */
async function measureLoad(variant: Variant, load: { concurrency: number; durationMs: number }): Promise<MeasuredLoad> {
  const pid = variant.server.process.pid;
  const clientBefore = process.cpuUsage();
  const serverBefore = pid === undefined ? null : processCpuMs(pid);
  const result = await runLoad(variant.call, load);
  const client = process.cpuUsage(clientBefore);
  const serverAfter = pid === undefined ? null : processCpuMs(pid);
  const calls = Math.max(1, result.requests);
  return {
    ...result,
    clientCpuUsPerCall: (client.user + client.system) / calls,
    serverCpuUsPerCall: serverBefore === null || serverAfter === null ? null : ((serverAfter - serverBefore) * 1000) / calls,
  };
}

function getOk(url: string, agent: HttpAgent | MtlsAgent): Promise<void> {
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    send(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function getOkUndici(pool: Pool, path: string): Promise<void> {
  const { statusCode, body } = await pool.request({ path, method: 'GET' });
  await body.arrayBuffer();
  if (statusCode !== 200) throw new Error(`status ${statusCode}`);
}

/** The round with the median throughput, so one disturbed round does not decide. */
function median<T extends LoadResult>(runs: T[]): T {
  return medianBy(runs, (run) => run.requestsPerSecond);
}

function medianBy<T>(runs: readonly T[], value: (run: T) => number): T {
  const sorted = [...runs].sort((a, b) => value(a) - value(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no runs');
  return middle;
}

function fmt(result: LoadResult | undefined): string {
  return result ? `${result.requestsPerSecond.toFixed(0)} req/s p50 ${result.p50Ms.toFixed(2)} ms${result.errors ? ` (${result.errors} errors)` : ''}` : '-';
}

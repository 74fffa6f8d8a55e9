import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMeshCa, issueWorkloadCertificate, loadMeshConfig, MeshRuntime, MtlsAgent, spiffeId, workloadFiles, WorkloadIdentity, writeMeshCa, writeWorkloadCertificate } from '@meshmart/mesh';
import { type AppProcess, type StackEndpoints, type StartedWhen, startService } from '@meshmart/testing';
import { type LoadResult, runAtRate, runLoad } from './load';
import { processCpuMs } from './process-cpu';

export interface MeshBenchOptions {
  root: string;
  stack: StackEndpoints;
  durationMs: number;
  concurrency: number;
  rounds: number;
  /** Rate of the open-loop latency phase, in requests per second. */
  ratePerSecond: number;
}

/** The targets of the mesh's cost per hop (issue: mesh library). */
const TARGETS = { p50DeltaMs: 0.3, p99DeltaMs: 1, throughputRatio: 0.8 };

/** One saturated run, with the CPU both ends spent per answered call (`null` where unreadable). */
export interface MeasuredLoad extends LoadResult {
  clientCpuUsPerCall: number | null;
  serverCpuUsPerCall: number | null;
}

/** The calls measured side by side, each against its own server process. */
const VARIANTS = {
  direct: '(a) direct: plain HTTP, mesh stepped aside',
  mesh: '(b) through libs/mesh',
  meshServerOnly: "(c) (b)'s server, bare mTLS client",
  bareHttp: 'bare Node HTTP server',
  bareMtls: 'bare Node HTTPS server, mesh mTLS',
} as const;
type VariantName = keyof typeof VARIANTS;

interface Variant {
  call: () => Promise<void>;
  server: AppProcess;
}

/**
 * One hop measured in one run, on loopback: (a) a keep-alive HTTP call from this process to
 * the echo service with the mesh stepped aside (plain listener, no identity, no discovery: what
 * runs behind a sidecar), and (b) the same call through `libs/mesh` with mTLS on both ends,
 * authorization, discovery in etcd, least-request balancing, the retry/breaker pipeline and
 * Istio metrics and spans on both sides.
 *
 * Three more calls say where (b)'s cost goes: (c) a bare mTLS client (the mesh's agent, no
 * pipeline, no span, no metrics) calling (b)'s server, and a bare Node HTTP server against the
 * same server over the mesh's mTLS: the transport floor, what TLS alone costs a Node process
 * with nothing else to do. Rounds alternate all calls, so drift on the machine hits each alike.
 */
export async function runMeshBench(options: MeshBenchOptions): Promise<{ saturated: Record<VariantName, MeasuredLoad>; verdict: Record<string, boolean> }> {
  // Two phases: closed loop at `concurrency` for throughput (the client saturates), then an
  // open loop at `ratePerSecond` for the per-hop latency (nobody saturates, so no queueing).
  const certDir = mkdtempSync(join(tmpdir(), 'meshmart-bench-'));
  const namespace = `bench${Date.now().toString(36)}`;
  const echoScript = join(options.root, 'libs', 'mesh', 'src', 'testing', 'echo-service.ts');
  const bareScript = join(options.root, 'tools', 'meshmart', 'src', 'bench', 'bare-echo-server.ts');
  const processes: AppProcess[] = [];
  const closers: (() => unknown)[] = [];
  try {
    const ca = await createMeshCa();
    await writeMeshCa(certDir, ca);
    for (const service of ['echo-service', 'mesh-test-client']) await writeWorkloadCertificate(certDir, service, await issueWorkloadCertificate(ca, { namespace, service }));
    const etcd = options.stack.etcd.endpoints.join(',');
    const common = { PORT: '0', MESH_NAMESPACE: namespace };

    // The bare servers are not mesh services: they print only their `listening on` line.
    const start = async (name: string, script: string, env: NodeJS.ProcessEnv, until: StartedWhen = 'ready') => {
      const started = await startService(name, script, { ...common, ...env }, 60_000, undefined, until);
      processes.push(started);
      return started;
    };
    const direct = await start('echo-service', echoScript, { MESH_MODE: 'sidecar', MESH_LISTENER: 'plain' });
    const meshed = await start('echo-service', echoScript, { ETCD_ENDPOINTS: etcd, MESH_CERT_DIR: certDir });
    const bareHttp = await start('bare-echo', bareScript, {}, 'listening');
    const bareMtls = await start('bare-echo', bareScript, { BARE_CERT_DIR: certDir }, 'listening');

    const plainAgent = new HttpAgent({ keepAlive: true, maxSockets: options.concurrency });
    const clientIdentity = await WorkloadIdentity.load(workloadFiles(certDir, 'mesh-test-client'));
    const mtlsAgent = new MtlsAgent(clientIdentity, { expectedSpiffeId: spiffeId({ namespace, serviceAccount: 'echo-service' }), maxSockets: options.concurrency });
    closers.push(() => plainAgent.destroy(), () => mtlsAgent.destroy(), () => clientIdentity.close());
    const runtime = await MeshRuntime.start({ service: 'mesh-test-client', upstreams: ['echo-service'], config: loadMeshConfig({ HOST: '127.0.0.1', PORT: '0', MESH_NAMESPACE: namespace, ETCD_ENDPOINTS: etcd, MESH_CERT_DIR: certDir }) });
    closers.push(() => runtime.close());
    const echo = runtime.client('echo-service');

    const variants: Record<VariantName, Variant> = {
      direct: { call: () => getOk(`${direct.url}/echo`, plainAgent), server: direct },
      mesh: {
        call: async () => {
          const answer = await echo.get('/echo');
          if (answer.status !== 200) throw new Error(`status ${answer.status}`);
        },
        server: meshed,
      },
      meshServerOnly: { call: () => getOk(`${meshed.url}/echo`, mtlsAgent), server: meshed },
      bareHttp: { call: () => getOk(`${bareHttp.url}/echo`, plainAgent), server: bareHttp },
      bareMtls: { call: () => getOk(`${bareMtls.url}/echo`, mtlsAgent), server: bareMtls },
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
    const rate = { ratePerSecond: options.ratePerSecond, durationMs: options.durationMs };
    const directLatency = await runAtRate(variants.direct.call, rate);
    const meshLatency = await runAtRate(variants.mesh.call, rate);
    console.log(`  at ${options.ratePerSecond} req/s: direct ${fmt(directLatency)} | mesh ${fmt(meshLatency)}`);
    const saturated = Object.fromEntries(names.map((name) => [name, median(runs[name])])) as Record<VariantName, MeasuredLoad>;
    const verdict = {
      p50: meshLatency.p50Ms - directLatency.p50Ms <= TARGETS.p50DeltaMs,
      p99: meshLatency.p99Ms - directLatency.p99Ms <= TARGETS.p99DeltaMs,
      throughput: saturated.mesh.requestsPerSecond / saturated.direct.requestsPerSecond >= TARGETS.throughputRatio,
    };
    writeReport(options, { saturated, directLatency, meshLatency }, verdict);
    return { saturated, verdict };
  } finally {
    for (const close of closers.reverse()) await close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    rmSync(certDir, { recursive: true, force: true });
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

/** The round with the median throughput, so one disturbed round does not decide. */
function median<T extends LoadResult>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no runs');
  return middle;
}

function fmt(result: LoadResult | undefined): string {
  return result ? `${result.requestsPerSecond.toFixed(0)} req/s p50 ${result.p50Ms.toFixed(2)} ms${result.errors ? ` (${result.errors} errors)` : ''}` : '-';
}

interface Measured {
  saturated: Record<VariantName, MeasuredLoad>;
  directLatency: LoadResult;
  meshLatency: LoadResult;
}

function writeReport(options: MeshBenchOptions, m: Measured, verdict: Record<string, boolean>): void {
  const dir = join(options.root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const { saturated: run } = m;
  const throughput = (of: VariantName, against: VariantName) => run[of].requestsPerSecond / run[against].requestsPerSecond;
  const ratios = {
    throughput: throughput('mesh', 'direct'),
    p50DeltaMs: m.meshLatency.p50Ms - m.directLatency.p50Ms,
    p99DeltaMs: m.meshLatency.p99Ms - m.directLatency.p99Ms,
    // Where (b)'s cost goes: TLS alone, then the mesh's server side, then its client side.
    transportFloor: throughput('bareMtls', 'bareHttp'),
    serverSideOnly: throughput('meshServerOnly', 'direct'),
    clientSide: throughput('mesh', 'meshServerOnly'),
  };
  const report = {
    benchmark: 'mesh',
    date: new Date().toISOString(),
    machine: { cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null, node: process.version },
    settings: { concurrency: options.concurrency, durationMs: options.durationMs, rounds: options.rounds, ratePerSecond: options.ratePerSecond },
    saturated: run,
    atFixedRate: { direct: m.directLatency, mesh: m.meshLatency },
    ratios,
    targets: TARGETS,
    verdict,
  };
  writeFileSync(join(dir, 'mesh.json'), `${JSON.stringify(report, null, 2)}\n`);
  const mark = (ok: boolean | undefined) => (ok ? 'met' : 'missed');
  const us = (value: number | null) => (value === null ? '-' : value.toFixed(0));
  const saturatedTable = [
    '| | req/s | p50 ms | p99 ms | client CPU µs/call | server CPU µs/call |',
    '|---|---:|---:|---:|---:|---:|',
    ...(Object.keys(VARIANTS) as VariantName[]).map((name) => {
      const r = run[name];
      return `| ${VARIANTS[name]} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${us(r.clientCpuUsPerCall)} | ${us(r.serverCpuUsPerCall)} |`;
    }),
  ];
  const latencyTable = [
    '| | req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    ...([['(a) direct', m.directLatency], ['(b) mesh', m.meshLatency]] as const).map(([label, r]) => `| ${label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} |`),
  ];
  const markdown = [
    `# Mesh cost per hop (${report.date.slice(0, 10)}, Node ${process.version}, ${report.machine.cpus ?? '?'} CPUs)`,
    '',
    '(a) direct keep-alive HTTP to the echo service with the mesh stepped aside; (b) the same call through libs/mesh:',
    'mTLS both ways, authorization, etcd discovery, least-request balancing, retry/breaker/bulkhead pipeline, Istio metrics and spans on both sides.',
    "(c) and the bare servers say where (b)'s cost goes: (c) calls (b)'s server with the mesh's mTLS agent and nothing else;",
    'the bare pair is a Node server with no framework and no mesh, over plain HTTP and over the mesh\'s mTLS: what TLS alone costs.',
    '',
    `Saturated: closed loop, ${options.concurrency} concurrent, median of ${options.rounds}×${options.durationMs / 1000}s (client and server share the machine's cores).`,
    '',
    ...saturatedTable,
    '',
    `Per-hop latency: open loop at ${options.ratePerSecond} req/s for ${options.durationMs / 1000}s (nothing saturated).`,
    '',
    ...latencyTable,
    '',
    '| (b) vs (a) | value | target |',
    '|---|---:|---|',
    `| throughput (saturated) | ×${ratios.throughput.toFixed(3)} | ≥ ×${TARGETS.throughputRatio} (${mark(verdict['throughput'])}) |`,
    `| p50 per hop | +${ratios.p50DeltaMs.toFixed(3)} ms | ≤ +${TARGETS.p50DeltaMs} ms (${mark(verdict['p50'])}) |`,
    `| p99 per hop | +${ratios.p99DeltaMs.toFixed(3)} ms | ≤ +${TARGETS.p99DeltaMs} ms (${mark(verdict['p99'])}) |`,
    '',
    '| where the throughput goes | ratio |',
    '|---|---:|',
    `| transport floor: bare mTLS vs bare HTTP (TLS alone) | ×${ratios.transportFloor.toFixed(3)} |`,
    `| (c) vs (a): TLS and the mesh's server side | ×${ratios.serverSideOnly.toFixed(3)} |`,
    `| (b) vs (c): the mesh's client side | ×${ratios.clientSide.toFixed(3)} |`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'mesh.md'), markdown);
  console.log(`\n${markdown}`);
}

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMeshCa, issueWorkloadCertificate, loadMeshConfig, MeshRuntime, writeMeshCa, writeWorkloadCertificate } from '@meshmart/mesh';
import { type AppProcess, type StackEndpoints, startService } from '@meshmart/testing';
import { type LoadResult, runAtRate, runLoad } from './load';

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

/**
 * One hop measured two ways in one run, on loopback: (a) a keep-alive HTTP call from this
 * process to the echo service with the mesh stepped aside (plain listener, no identity, no
 * discovery: what runs behind a sidecar), and (b) the same call through `libs/mesh` with mTLS
 * on both ends, authorization, discovery in etcd, least-request balancing, the retry/breaker
 * pipeline and Istio metrics and spans on both sides. Rounds alternate a, b, a, b… so drift
 * on the machine hits both alike.
 */
export async function runMeshBench(options: MeshBenchOptions): Promise<{ direct: LoadResult; mesh: LoadResult; verdict: Record<string, boolean> }> {
  // Two phases: closed loop at `concurrency` for throughput (the client saturates), then an
  // open loop at `ratePerSecond` for the per-hop latency (nobody saturates, so no queueing).
  const certDir = mkdtempSync(join(tmpdir(), 'meshmart-bench-'));
  const namespace = `bench${Date.now().toString(36)}`;
  const script = join(options.root, 'libs', 'mesh', 'src', 'testing', 'echo-service.ts');
  const processes: AppProcess[] = [];
  let runtime: MeshRuntime | undefined;
  try {
    const ca = await createMeshCa();
    await writeMeshCa(certDir, ca);
    for (const service of ['echo-service', 'mesh-test-client']) await writeWorkloadCertificate(certDir, service, await issueWorkloadCertificate(ca, { namespace, service }));
    const etcd = options.stack.etcd.endpoints.join(',');
    const common = { PORT: '0', MESH_NAMESPACE: namespace };

    const direct = await startService('echo-service', script, { ...common, MESH_MODE: 'sidecar', MESH_LISTENER: 'plain' });
    const meshed = await startService('echo-service', script, { ...common, ETCD_ENDPOINTS: etcd, MESH_CERT_DIR: certDir });
    processes.push(direct, meshed);

    const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
    const callDirect = () => getJson(`${direct.url}/echo`, agent);
    runtime = await MeshRuntime.start({ service: 'mesh-test-client', upstreams: ['echo-service'], config: loadMeshConfig({ HOST: '127.0.0.1', PORT: '0', MESH_NAMESPACE: namespace, ETCD_ENDPOINTS: etcd, MESH_CERT_DIR: certDir }) });
    const echo = runtime.client('echo-service');
    const callMesh = async () => {
      const answer = await echo.get('/echo');
      if (answer.status !== 200) throw new Error(`status ${answer.status}`);
    };

    const load = { concurrency: options.concurrency, durationMs: options.durationMs };
    // Warm both paths (JIT, connection pools, TLS sessions) before measuring.
    await runLoad(callDirect, { ...load, durationMs: 1_000 });
    await runLoad(callMesh, { ...load, durationMs: 1_000 });
    const directRuns: LoadResult[] = [];
    const meshRuns: LoadResult[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      directRuns.push(await runLoad(callDirect, load));
      meshRuns.push(await runLoad(callMesh, load));
      console.log(`  round ${round}/${options.rounds}: direct ${fmt(directRuns.at(-1))} | mesh ${fmt(meshRuns.at(-1))}`);
    }
    const rate = { ratePerSecond: options.ratePerSecond, durationMs: options.durationMs };
    const directLatency = await runAtRate(callDirect, rate);
    const meshLatency = await runAtRate(callMesh, rate);
    console.log(`  at ${options.ratePerSecond} req/s: direct ${fmt(directLatency)} | mesh ${fmt(meshLatency)}`);
    agent.destroy();
    const directResult = median(directRuns);
    const meshResult = median(meshRuns);
    const verdict = {
      p50: meshLatency.p50Ms - directLatency.p50Ms <= TARGETS.p50DeltaMs,
      p99: meshLatency.p99Ms - directLatency.p99Ms <= TARGETS.p99DeltaMs,
      throughput: meshResult.requestsPerSecond / directResult.requestsPerSecond >= TARGETS.throughputRatio,
    };
    writeReport(options, { direct: directResult, mesh: meshResult, directLatency, meshLatency }, verdict);
    return { direct: directResult, mesh: meshResult, verdict };
  } finally {
    await runtime?.close();
    await Promise.allSettled(processes.map((p) => p.stop()));
    rmSync(certDir, { recursive: true, force: true });
  }
}

function getJson(url: string, agent: Agent): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

/** The round with the median throughput, so one disturbed round does not decide. */
function median(runs: LoadResult[]): LoadResult {
  const sorted = [...runs].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error('no runs');
  return middle;
}

function fmt(result: LoadResult | undefined): string {
  return result ? `${result.requestsPerSecond.toFixed(0)} req/s p50 ${result.p50Ms.toFixed(2)} ms p99 ${result.p99Ms.toFixed(2)} ms${result.errors ? ` (${result.errors} errors)` : ''}` : '-';
}

interface Measured {
  direct: LoadResult;
  mesh: LoadResult;
  directLatency: LoadResult;
  meshLatency: LoadResult;
}

function writeReport(options: MeshBenchOptions, m: Measured, verdict: Record<string, boolean>): void {
  const dir = join(options.root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const ratio = m.mesh.requestsPerSecond / m.direct.requestsPerSecond;
  const p50Delta = m.meshLatency.p50Ms - m.directLatency.p50Ms;
  const p99Delta = m.meshLatency.p99Ms - m.directLatency.p99Ms;
  const report = {
    benchmark: 'mesh',
    date: new Date().toISOString(),
    machine: { cpus: (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null, node: process.version },
    settings: { concurrency: options.concurrency, durationMs: options.durationMs, rounds: options.rounds, ratePerSecond: options.ratePerSecond },
    saturated: { direct: m.direct, mesh: m.mesh },
    atFixedRate: { direct: m.directLatency, mesh: m.meshLatency },
    ratios: { throughput: ratio, p50DeltaMs: p50Delta, p99DeltaMs: p99Delta },
    targets: TARGETS,
    verdict,
  };
  writeFileSync(join(dir, 'mesh.json'), `${JSON.stringify(report, null, 2)}\n`);
  const mark = (ok: boolean | undefined) => (ok ? 'met' : 'missed');
  const table = (direct: LoadResult, mesh: LoadResult) => [
    '| | req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    ...([['(a) direct', direct], ['(b) mesh', mesh]] as const).map(([label, r]) => `| ${label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} |`),
  ];
  const markdown = [
    `# Mesh cost per hop (${report.date.slice(0, 10)}, Node ${process.version}, ${report.machine.cpus ?? '?'} CPUs)`,
    '',
    '(a) direct keep-alive HTTP to the echo service with the mesh stepped aside; (b) the same call through libs/mesh:',
    'mTLS both ways, authorization, etcd discovery, least-request balancing, retry/breaker/bulkhead pipeline, Istio metrics and spans on both sides.',
    '',
    `Saturated: closed loop, ${options.concurrency} concurrent, median of ${options.rounds}×${options.durationMs / 1000}s (client and server share the machine's cores).`,
    '',
    ...table(m.direct, m.mesh),
    '',
    `Per-hop latency: open loop at ${options.ratePerSecond} req/s for ${options.durationMs / 1000}s (nothing saturated).`,
    '',
    ...table(m.directLatency, m.meshLatency),
    '',
    '| (b) vs (a) | value | target |',
    '|---|---:|---|',
    `| throughput (saturated) | ×${ratio.toFixed(3)} | ≥ ×${TARGETS.throughputRatio} (${mark(verdict['throughput'])}) |`,
    `| p50 per hop | +${p50Delta.toFixed(3)} ms | ≤ +${TARGETS.p50DeltaMs} ms (${mark(verdict['p50'])}) |`,
    `| p99 per hop | +${p99Delta.toFixed(3)} ms | ≤ +${TARGETS.p99DeltaMs} ms (${mark(verdict['p99'])}) |`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'mesh.md'), markdown);
  console.log(`\n${markdown}`);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { STAGES, type Stage } from './cpu-stages';
import type { LoadResult } from './load';
import { meshStagesChart } from './mesh-chart';

/** One saturated run, with the CPU both ends spent per answered call (`null` where unreadable). */
export interface MeasuredLoad extends LoadResult {
  clientCpuUsPerCall: number | null;
  serverCpuUsPerCall: number | null;
}

/** The calls measured side by side, each against its own server process. */
export const VARIANTS = {
  direct: '(a) direct: plain HTTP, mesh stepped aside',
  mesh: '(b) through libs/mesh',
  meshServerOnly: "(c) (b)'s server, bare mTLS client",
  frameworkMtls: 'NestJS/Fastify over mTLS, no mesh; bare mTLS client',
  bareHttp: 'bare Node HTTP pair',
  bareMtls: 'bare Node mTLS pair (https.Agent client)',
  bareMtlsUndici: 'bare Node mTLS server, undici client',
  dbDirect: 'real work (a Postgres read), mesh stepped aside',
  dbMesh: 'real work (a Postgres read), through libs/mesh',
} as const;
export type VariantName = keyof typeof VARIANTS;

/**
 * Published figures the mesh is compared with. Istio 1.24: an Envoy sidecar uses about 0.20
 * vCPU per 1,000 requests/s through it; Istio 1.20 with mTLS at 1,000 requests/s: the client +
 * server sidecar pair adds 0.228 ms at p90 and 0.298 ms at p99.
 */
export const ISTIO = {
  vcpuPer1000RpsPerSidecar: 0.2,
  cpuSource: 'https://istio.io/v1.24/docs/ops/deployment/performance-and-scalability/',
  addedP90Ms: 0.228,
  addedP99Ms: 0.298,
  latencySource: 'https://istio.io/v1.20/docs/ops/deployment/performance-and-scalability/',
} as const;

/** The mesh hop's targets (issue 16). CPU in µs per call beyond the bare mTLS pair. */
export const TARGETS = {
  clientOwnUs: 40,
  serverOwnUs: 25,
  pairVcpuPer1000: 0.065,
  throughputRatio: 0.8,
  p50DeltaMs: 0.15,
  p99DeltaMs: 0.3,
  realWorkRatio: 0.9,
  routingStepNs: 5_000,
} as const;

export interface MeshBenchMeasurement {
  settings: { concurrency: number; durationMs: number; rounds: number; ratePerSecond: number };
  saturated: Record<VariantName, MeasuredLoad>;
  atRate: { direct: LoadResult; mesh: LoadResult };
  /** Shares of each side's busy CPU by stage, from a profiled run of (b); absent when profiling was off. */
  stages?: { client: Record<Stage, number>; server: Record<Stage, number> };
  /** The client's routing step with no traffic policy, alone, in ns per call. */
  routingStepNs: number;
  loadAverage: readonly number[];
}

/** What the report derives from the runs: the mesh's own cost per side, its ratios, and the verdict per target. */
export function deriveMeshCost(m: MeshBenchMeasurement) {
  const run = m.saturated;
  const cpu = (name: VariantName, side: 'client' | 'server') => (side === 'client' ? run[name].clientCpuUsPerCall : run[name].serverCpuUsPerCall) ?? Number.NaN;
  const clientOwnUs = cpu('mesh', 'client') - cpu('bareMtls', 'client');
  // The framework is the service's, not the mesh's: the server side is measured against it.
  const serverOwnUs = cpu('mesh', 'server') - cpu('frameworkMtls', 'server');
  const derived = {
    clientOwnUs,
    serverOwnUs,
    clientOverUndiciUs: cpu('mesh', 'client') - cpu('bareMtlsUndici', 'client'),
    serverOverBareUs: cpu('mesh', 'server') - cpu('bareMtls', 'server'),
    frameworkUs: cpu('frameworkMtls', 'server') - cpu('bareMtls', 'server'),
    pairVcpuPer1000: (clientOwnUs + serverOwnUs) / 1000,
    meshPairVcpuPer1000: (cpu('mesh', 'client') + cpu('mesh', 'server')) / 1000,
    throughputRatio: run.mesh.requestsPerSecond / run.bareMtls.requestsPerSecond,
    throughputVsDirect: run.mesh.requestsPerSecond / run.direct.requestsPerSecond,
    p50DeltaMs: m.atRate.mesh.p50Ms - m.atRate.direct.p50Ms,
    p99DeltaMs: m.atRate.mesh.p99Ms - m.atRate.direct.p99Ms,
    realWorkRatio: run.dbMesh.requestsPerSecond / run.dbDirect.requestsPerSecond,
    routingStepNs: m.routingStepNs,
  };
  const verdict = {
    clientOwnUs: derived.clientOwnUs <= TARGETS.clientOwnUs,
    serverOwnUs: derived.serverOwnUs <= TARGETS.serverOwnUs,
    pairVcpuPer1000: derived.pairVcpuPer1000 <= TARGETS.pairVcpuPer1000,
    throughputRatio: derived.throughputRatio >= TARGETS.throughputRatio,
    p50DeltaMs: derived.p50DeltaMs <= TARGETS.p50DeltaMs,
    p99DeltaMs: derived.p99DeltaMs <= TARGETS.p99DeltaMs,
    realWorkRatio: derived.realWorkRatio >= TARGETS.realWorkRatio,
    routingStepNs: derived.routingStepNs <= TARGETS.routingStepNs,
  };
  return { derived, verdict };
}

/** Writes `mesh.json`, `mesh.md` and `mesh.svg` into `dir`; returns the markdown. */
export function writeMeshReport(dir: string, m: MeshBenchMeasurement): string {
  mkdirSync(dir, { recursive: true });
  const { derived, verdict } = deriveMeshCost(m);
  const date = new Date().toISOString();
  const cpus = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? null;
  const stagesUs = m.stages ? stageMicros(m) : undefined;
  const report = {
    benchmark: 'mesh',
    date,
    machine: { cpus, node: process.version, loadAverage: m.loadAverage },
    settings: m.settings,
    saturated: m.saturated,
    atFixedRate: m.atRate,
    derived,
    stagesUs,
    targets: TARGETS,
    verdict,
    istio: ISTIO,
  };
  writeFileSync(join(dir, 'mesh.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (stagesUs) writeFileSync(join(dir, 'mesh.svg'), meshStagesChart(stagesUs));
  const markdown = meshMarkdown(m, derived, verdict, stagesUs, date, cpus);
  writeFileSync(join(dir, 'mesh.md'), markdown);
  return markdown;
}

/** (b)'s measured CPU per call on each side, split by the profiled shares. */
function stageMicros(m: MeshBenchMeasurement): { client: Record<Stage, number>; server: Record<Stage, number> } {
  const split = (shares: Record<Stage, number>, total: number | null) =>
    Object.fromEntries(STAGES.map((stage) => [stage, shares[stage] * (total ?? 0)])) as Record<Stage, number>;
  const stages = m.stages as NonNullable<MeshBenchMeasurement['stages']>;
  return { client: split(stages.client, m.saturated.mesh.clientCpuUsPerCall), server: split(stages.server, m.saturated.mesh.serverCpuUsPerCall) };
}

function meshMarkdown(
  m: MeshBenchMeasurement,
  d: ReturnType<typeof deriveMeshCost>['derived'],
  v: ReturnType<typeof deriveMeshCost>['verdict'],
  stagesUs: ReturnType<typeof stageMicros> | undefined,
  date: string,
  cpus: number | null,
): string {
  const { settings: s, saturated: run } = m;
  const us = (value: number | null) => (value === null || Number.isNaN(value) ? '-' : value.toFixed(0));
  const mark = (ok: boolean) => (ok ? 'met' : 'missed');
  const signed = (value: number, digits: number) => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;
  return [
    `# Mesh cost per hop (${date.slice(0, 10)}, Node ${process.version}, ${cpus ?? '?'} CPUs, load average ${m.loadAverage.map((l) => l.toFixed(2)).join(' ')} at the start)`,
    '',
    "(b) is a call through libs/mesh: mTLS both ways, authorization, etcd discovery, least-request balancing, the retry/breaker/bulkhead pipeline, Istio metrics on both sides and trace context (no span exporter configured, so spans carry ids only). Every other row takes parts away: (a) steps the mesh aside on plain HTTP; (c) calls (b)'s server with a bare mTLS client; the framework row is the same NestJS/Fastify answer over mTLS with no mesh; the bare pairs are Node servers with no framework, over plain HTTP and over the mesh's mTLS. Client and server share the machine's cores; the client process also runs the load loop, alike in every row.",
    '',
    `Saturated: closed loop, ${s.concurrency} concurrent, median of ${s.rounds}×${s.durationMs / 1000}s.`,
    '',
    '| | req/s | p50 ms | p99 ms | client CPU µs/call | server CPU µs/call |',
    '|---|---:|---:|---:|---:|---:|',
    ...(Object.keys(VARIANTS) as VariantName[]).map((name) => {
      const r = run[name];
      return `| ${VARIANTS[name]} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${us(r.clientCpuUsPerCall)} | ${us(r.serverCpuUsPerCall)} |`;
    }),
    '',
    `Per-hop latency: open loop at ${s.ratePerSecond} req/s, ${s.rounds} alternating rounds of ${s.durationMs / 1000}s each, the round with the median p99 (nothing saturated).`,
    '',
    '| | req/s | p50 ms | p99 ms |',
    '|---|---:|---:|---:|',
    `| (a) direct | ${m.atRate.direct.requestsPerSecond.toFixed(0)} | ${m.atRate.direct.p50Ms.toFixed(3)} | ${m.atRate.direct.p99Ms.toFixed(3)} |`,
    `| (b) mesh | ${m.atRate.mesh.requestsPerSecond.toFixed(0)} | ${m.atRate.mesh.p50Ms.toFixed(3)} | ${m.atRate.mesh.p99Ms.toFixed(3)} |`,
    '',
    '## The mesh against its targets and against Istio',
    '',
    '| | this run | target | Istio (published) |',
    '|---|---:|---|---|',
    `| client side: mesh's own CPU per call (b − bare mTLS pair's client) | ${signed(d.clientOwnUs, 0)} µs | ≤ ${TARGETS.clientOwnUs} µs (${mark(v.clientOwnUs)}) | ≈ 200 µs per sidecar |`,
    `| server side: mesh's own CPU per call (b − the framework over mTLS) | ${signed(d.serverOwnUs, 0)} µs | ≤ ${TARGETS.serverOwnUs} µs (${mark(v.serverOwnUs)}) | ≈ 200 µs per sidecar |`,
    `| the pair, in vCPU per 1,000 req/s | ${d.pairVcpuPer1000.toFixed(3)} | ≤ ${TARGETS.pairVcpuPer1000} (${mark(v.pairVcpuPer1000)}) | ${(2 * ISTIO.vcpuPer1000RpsPerSidecar).toFixed(2)} (2 × ${ISTIO.vcpuPer1000RpsPerSidecar}) |`,
    `| saturated throughput, (b) ÷ bare mTLS pair | ×${d.throughputRatio.toFixed(3)} | ≥ ×${TARGETS.throughputRatio} (${mark(v.throughputRatio)}) | |`,
    `| added p50 per hop at ${s.ratePerSecond} req/s, (b) − (a) | ${signed(d.p50DeltaMs, 3)} ms | ≤ +${TARGETS.p50DeltaMs} ms (${mark(v.p50DeltaMs)}) | +${ISTIO.addedP90Ms} ms at p90 |`,
    `| added p99 per hop at ${s.ratePerSecond} req/s, (b) − (a) | ${signed(d.p99DeltaMs, 3)} ms | ≤ +${TARGETS.p99DeltaMs} ms (${mark(v.p99DeltaMs)}) | +${ISTIO.addedP99Ms} ms |`,
    `| real work (one Postgres read), mesh ÷ direct throughput | ×${d.realWorkRatio.toFixed(3)} | ≥ ×${TARGETS.realWorkRatio} (${mark(v.realWorkRatio)}) | |`,
    `| the routing step with no traffic policy, per call | ${d.routingStepNs.toFixed(1)} ns | ≤ ${TARGETS.routingStepNs / 1000} µs (${mark(v.routingStepNs)}) | |`,
    '',
    `Also: the mesh client costs ${signed(d.clientOverUndiciUs, 0)} µs per call over a bare undici mTLS client (the transport it is built on); the server side is ${signed(d.serverOverBareUs, 0)} µs over a bare Node mTLS server, of which the framework (NestJS on Fastify) is ${d.frameworkUs.toFixed(0)} µs. (b) as a whole, both processes, costs ${d.meshPairVcpuPer1000.toFixed(3)} vCPU per 1,000 req/s, transport and framework included. Istio's figures: [CPU](${ISTIO.cpuSource}), [latency](${ISTIO.latencySource}).`,
    '',
    ...(stagesUs
      ? [
          "## Where (b)'s CPU goes, by stage",
          '',
          '![CPU per call by stage](mesh.svg)',
          '',
          `From a separate profiled run of (b) (V8's sampling profiler), each side's busy time split by stage and scaled to the CPU per call measured above. Native socket reads and writes, where TLS encrypts, count as TLS.`,
          '',
          `| µs per call | ${STAGES.join(' | ')} |`,
          `|---|${STAGES.map(() => '---:').join('|')}|`,
          `| client | ${STAGES.map((stage) => stagesUs.client[stage].toFixed(1)).join(' | ')} |`,
          `| server | ${STAGES.map((stage) => stagesUs.server[stage].toFixed(1)).join(' | ')} |`,
          '',
        ]
      : []),
  ].join('\n');
}

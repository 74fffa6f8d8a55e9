import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';

interface Load {
  requests: number;
  errors: number;
  clientCpuUsPerCall: number | null;
  serverCpuUsPerCall: number | null;
}

const root = findWorkspaceRoot(__dirname);
const out = mkdtempSync(join(tmpdir(), 'meshmart-bench-mesh-'));

afterAll(() => rmSync(out, { recursive: true, force: true }));

// A smoke run of the real bench: it proves every variant runs against real processes over real
// mTLS (and the real-work one against the stack's Postgres), and that the report says what it
// must; the numbers of a one-second run on a busy machine measure nothing.
describe('npm run bench -- mesh, one short round', () => {
  it('measures every variant on both sides, profiles the mesh call by stage, and writes JSON, Markdown and SVG', () => {
    const run = spawnSync(
      process.execPath,
      [join(root, 'tools/meshmart/bin/meshmart.cjs'), 'bench', 'mesh', '--duration', '1', '--rounds', '1', '--rate', '200', '--out', out],
      { cwd: root, encoding: 'utf8', timeout: 240_000 },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const report = JSON.parse(readFileSync(join(out, 'mesh.json'), 'utf8')) as {
      saturated: Record<string, Load>;
      derived: Record<string, number>;
      stagesUs: { client: Record<string, number>; server: Record<string, number> };
      verdict: Record<string, boolean>;
    };
    expect(Object.keys(report.saturated).sort()).toEqual([
      'bareHttp',
      'bareMtls',
      'bareMtlsUndici',
      'dbDirect',
      'dbMesh',
      'direct',
      'frameworkMtls',
      'mesh',
      'meshServerOnly',
    ]);
    for (const [name, load] of Object.entries(report.saturated)) {
      expect(load.requests, name).toBeGreaterThan(0);
      expect(load.errors, name).toBe(0);
      expect(load.clientCpuUsPerCall, name).toBeGreaterThan(0);
      expect(load.serverCpuUsPerCall, name).toBeGreaterThan(0);
    }
    for (const key of ['clientOwnUs', 'serverOwnUs', 'pairVcpuPer1000', 'throughputRatio', 'p50DeltaMs', 'p99DeltaMs', 'realWorkRatio', 'routingStepNs']) {
      expect(Number.isFinite(report.derived[key]), key).toBe(true);
      expect(typeof report.verdict[key], key).toBe('boolean');
    }
    // The profiled run saw the mesh at work on both sides: TLS and transport everywhere,
    // authorization and the framework on the server, the resilience pipeline on the client.
    expect(report.stagesUs.client['TLS']).toBeGreaterThan(0);
    expect(report.stagesUs.client['resilience']).toBeGreaterThan(0);
    expect(report.stagesUs.server['framework']).toBeGreaterThan(0);
    expect(report.stagesUs.server['authorization']).toBeGreaterThan(0);

    const markdown = readFileSync(join(out, 'mesh.md'), 'utf8');
    expect(markdown).toContain('## The mesh against its targets and against Istio');
    expect(markdown).toContain('https://istio.io/v1.24/docs/ops/deployment/performance-and-scalability/');
    expect(markdown).toContain('| µs per call | TLS | transport | framework |');
    const svg = readFileSync(join(out, 'mesh.svg'), 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(12);
  }, 300_000);
});

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readWorkloadCertificate } from '@meshmart/mesh/tools';
import { findWorkspaceRoot } from '@meshmart/platform';
import { isPortOpen, readPid } from './processes';

/**
 * A second, private stack (own state folder, own ports) driven through the real CLI, so that
 * stopping it cannot disturb the stack the other tests use. Its DATABASE_URL points at a port
 * where nothing answers, so it also proves the fallback to an embedded Postgres.
 */
const root = findWorkspaceRoot(__dirname);
const stateDir = mkdtempSync(join(tmpdir(), 'meshmart-lifecycle-'));
// As root the embedded Postgres runs as the `postgres` user, who must be able to enter the folder.
chmodSync(stateDir, 0o755);
const ports = {
  MESHMART_KAFKA_PORT: 29092,
  MESHMART_KAFKA_CONTROLLER_PORT: 29093,
  MESHMART_ETCD_PORT: 22379,
  MESHMART_ETCD_PEER_PORT: 22380,
  MESHMART_PROMETHEUS_PORT: 29090,
  MESHMART_EMBEDDED_PG_PORT: 25432,
};
const pidFiles = ['kafka/kafka.pid', 'etcd/etcd.pid', 'prometheus/prometheus.pid', 'prometheus-sd/prometheus-sd.pid', 'postgres/data/postmaster.pid'].map(
  (file) => join(stateDir, file),
);

function meshmart(...args: string[]) {
  const env = {
    ...process.env,
    MESHMART_STATE_DIR: stateDir,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
  };
  const result = spawnSync(join(root, 'node_modules', '.bin', 'meshmart'), args, { cwd: root, env, encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Like `ps`: every process whose command line mentions this stack's state folder. */
function processesOfThisStack(): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return cmdline.includes(stateDir) ? [`${pid}: ${cmdline}`] : [];
      } catch {
        return [];
      }
    });
}

afterAll(() => {
  meshmart('stack', 'down');
  rmSync(stateDir, { recursive: true, force: true });
});

describe('meshmart stack up / down', () => {
  let firstPids: (number | undefined)[] = [];

  it('starts every component and waits until it is ready', () => {
    const up = meshmart('stack', 'up');
    expect(up.code, up.output).toBe(0);
    expect(up.output).toMatch(/stack: up in/);
    firstPids = pidFiles.map(readPid);
    expect(firstPids.every((pid) => pid !== undefined)).toBe(true);
    expect(processesOfThisStack().length).toBeGreaterThanOrEqual(4);
    expect(up.output).toMatch(/initialising an embedded one/);
    expect(up.output).toMatch(/postgres\s+running\s+postgres:\/\/postgres@127\.0\.0\.1:25432\/postgres/);
  });

  it('does nothing the second time', () => {
    const again = meshmart('stack', 'up');
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/stack: already up, nothing started/);
    expect(pidFiles.map(readPid)).toEqual(firstPids);
  });

  it('reports each component running', () => {
    const status = meshmart('stack', 'status');
    expect(status.code, status.output).toBe(0);
    for (const name of ['postgres', 'kafka', 'etcd', 'prometheus', 'prometheus-sd']) expect(status.output).toMatch(new RegExp(`${name}\\s+running`));
  });

  it("keeps Prometheus's scrape certificate renewed from the stack's CA folder", async () => {
    const daemon = processesOfThisStack().find((line) => line.includes(' prometheus-sd '));
    expect(daemon).toContain(`--renew-cert ${join(stateDir, 'certs')}`);
    // What it renews: the certificate `stack up` issued there, fresh, so the daemon left it alone.
    const certificate = await readWorkloadCertificate(join(stateDir, 'certs'), 'prometheus');
    expect(certificate.spiffeId).toBe('spiffe://meshmart.local/ns/meshmart/sa/prometheus');
    expect(readFileSync(join(stateDir, 'prometheus-sd', 'prometheus-sd.log'), 'utf8')).not.toMatch(/could not renew|renewed/);
  });

  it('stops leaving no process and no open port behind', async () => {
    const down = meshmart('stack', 'down');
    expect(down.code, down.output).toBe(0);
    expect(processesOfThisStack()).toEqual([]);
    for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port}`).toBe(false);
    const status = meshmart('stack', 'status');
    expect(status.code).toBe(3);
    expect(status.output).toMatch(/kafka\s+stopped/);
  });

  it('is a no-op to stop a stopped stack', () => {
    const down = meshmart('stack', 'down');
    expect(down.code, down.output).toBe(0);
  });
});

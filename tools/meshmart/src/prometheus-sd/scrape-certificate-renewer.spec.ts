import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeshCa, issueWorkloadCertificate, type MeshCa, readWorkloadCertificate, writeMeshCa, writeWorkloadCertificate } from '@meshmart/mesh/tools';
import { renewalDelayMs, ScrapeCertificateRenewer } from './scrape-certificate-renewer';

const HOUR_MS = 3_600_000;

describe('renewalDelayMs', () => {
  const now = Date.parse('2026-11-25T12:00:00Z');

  it('renews at half the lifetime', () => {
    expect(renewalDelayMs(new Date(now + 24 * HOUR_MS), 24 * HOUR_MS, now)).toBe(12 * HOUR_MS);
    expect(renewalDelayMs(new Date(now + 13 * HOUR_MS), 24 * HOUR_MS, now)).toBe(HOUR_MS);
  });

  it('renews at once past half-life, and when already expired', () => {
    expect(renewalDelayMs(new Date(now + 11 * HOUR_MS), 24 * HOUR_MS, now)).toBe(0);
    expect(renewalDelayMs(new Date(now - HOUR_MS), 24 * HOUR_MS, now)).toBe(0);
  });

  it('never plans further than a Node timer can wait', () => {
    expect(renewalDelayMs(new Date(now + 400 * 24 * HOUR_MS), 24 * HOUR_MS, now)).toBe(2_147_483_647);
  });
});

describe('ScrapeCertificateRenewer', () => {
  let dir: string;
  let ca: MeshCa;
  let renewer: ScrapeCertificateRenewer | undefined;
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshmart-renewer-'));
    ca = await createMeshCa();
    await writeMeshCa(dir, ca);
    lines.length = 0;
  });

  afterEach(async () => {
    renewer?.stop();
    renewer = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes Prometheus' certificate, valid from `fromHours` to `untilHours` from now (default: as `certs` issues it), and reads it back. */
  async function writeScrapeCertificate(validity?: { fromHours: number; untilHours: number }) {
    const at = (hours: number) => new Date(Date.now() + hours * HOUR_MS);
    const lifetime = validity ? { notBefore: at(validity.fromHours), notAfter: at(validity.untilHours) } : {};
    await writeWorkloadCertificate(dir, 'prometheus', await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'prometheus', ...lifetime }));
    return readWorkloadCertificate(dir, 'prometheus');
  }

  it('replaces a certificate past half its life with a fresh one from the same CA and the same identity', async () => {
    const before = await writeScrapeCertificate({ fromHours: -20, untilHours: 4 });

    renewer = await ScrapeCertificateRenewer.start({ caDir: dir, log });

    // readWorkloadCertificate checks the new key matches and the mesh CA signed it.
    const after = await readWorkloadCertificate(dir, 'prometheus');
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(after.spiffeId).toBe('spiffe://meshmart.local/ns/meshmart/sa/prometheus');
    expect(after.notAfter.getTime()).toBeGreaterThan(Date.now() + 23 * HOUR_MS);
    expect(lines).toEqual([expect.stringMatching(/^renewed spiffe:\/\/meshmart\.local\/ns\/meshmart\/sa\/prometheus, valid until /)]);
  });

  it('leaves a certificate in the first half of its life alone', async () => {
    const before = await writeScrapeCertificate();

    renewer = await ScrapeCertificateRenewer.start({ caDir: dir, log });

    expect((await readWorkloadCertificate(dir, 'prometheus')).serialNumber).toBe(before.serialNumber);
    expect(lines).toEqual([]);
  });

  it('renews again when the renewed certificate reaches half its life', async () => {
    // A 4 s lifetime: the first renewal happens at once (the old one is expired), the next 1-2 s later
    // (half the lifetime, less what the whole-second validity of X.509 cuts off).
    await writeScrapeCertificate({ fromHours: -2, untilHours: -1 });
    renewer = await ScrapeCertificateRenewer.start({ caDir: dir, log, ttlHours: 4 / 3600 });
    const first = await readWorkloadCertificate(dir, 'prometheus');

    await expect
      .poll(async () => (await readWorkloadCertificate(dir, 'prometheus')).serialNumber, { timeout: 6_000, interval: 100 })
      .not.toBe(first.serialNumber);
    expect(lines.filter((line) => line.startsWith('renewed '))).toHaveLength(2);
  });

  it('waits for the first certificate that `stack up` issues instead of issuing one itself', async () => {
    renewer = await ScrapeCertificateRenewer.start({ caDir: dir, log, retryMs: 100 });
    expect(lines).toEqual([`no prometheus certificate in ${dir} yet; looking again in 0.1s`]);

    await writeScrapeCertificate({ fromHours: -20, untilHours: 1 });
    await expect.poll(() => lines.some((line) => line.startsWith('renewed ')), { timeout: 5_000, interval: 50 }).toBe(true);
  });
});

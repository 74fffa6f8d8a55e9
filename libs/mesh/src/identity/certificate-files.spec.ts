import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { meshCaFiles, readMeshCa, readWorkloadCertificate, workloadFiles, writeMeshCa, writeWorkloadCertificate } from './certificate-files';
import { IdentityMaterialUnusable, InvalidWorkloadIdentity } from './identity-errors';

describe('certificate files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meshmart-cert-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lays files out as ca.crt, ca.key and <service>/tls.{crt,key}', () => {
    expect(meshCaFiles('/certs')).toEqual({ certFile: '/certs/ca.crt', keyFile: '/certs/ca.key' });
    expect(workloadFiles('/certs', 'cart-service')).toEqual({
      caFile: '/certs/ca.crt',
      certFile: '/certs/cart-service/tls.crt',
      keyFile: '/certs/cart-service/tls.key',
    });
  });

  it('refuses a service name that would leave the folder', () => {
    for (const bad of ['../etc', 'a/b', '.', '']) expect(() => workloadFiles(dir, bad)).toThrow(InvalidWorkloadIdentity);
  });

  it('writes the CA and a workload with private keys 0600, reads them back, and leaves no temporary files', async () => {
    const ca = await createMeshCa();
    const cert = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' });
    expect(await readMeshCa(dir)).toBeUndefined();
    expect(await writeMeshCa(dir, ca)).toEqual([join(dir, 'ca.key'), join(dir, 'ca.crt')]);
    expect(await writeWorkloadCertificate(dir, 'cart-service', cert)).toEqual([join(dir, 'cart-service', 'tls.key'), join(dir, 'cart-service', 'tls.crt')]);

    expect(await readMeshCa(dir)).toEqual(ca);
    const material = await readWorkloadCertificate(dir, 'cart-service');
    expect(material).toMatchObject({ ca: ca.certPem, cert: cert.certPem, key: cert.keyPem, spiffeId: cert.spiffeId, serialNumber: cert.serialNumber });
    expect((await stat(join(dir, 'ca.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cart-service', 'tls.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cart-service', 'tls.crt'))).mode & 0o777).toBe(0o644);
    expect((await readdir(dir)).sort()).toEqual(['ca.crt', 'ca.key', 'cart-service']);
    expect((await readdir(join(dir, 'cart-service'))).sort()).toEqual(['tls.crt', 'tls.key']);
  });

  it('replaces an existing pair in place', async () => {
    const ca = await createMeshCa();
    await writeMeshCa(dir, ca);
    await writeWorkloadCertificate(dir, 'cart-service', await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' }));
    const next = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' });
    await writeWorkloadCertificate(dir, 'cart-service', next);
    expect(await readFile(join(dir, 'cart-service', 'tls.crt'), 'utf8')).toBe(next.certPem);
    expect((await readWorkloadCertificate(dir, 'cart-service')).serialNumber).toBe(next.serialNumber);
  });

  it('gives up reading a mismatched pair after the given attempts', async () => {
    const ca = await createMeshCa();
    await writeMeshCa(dir, ca);
    const request = { namespace: 'meshmart', service: 'cart-service' };
    await writeWorkloadCertificate(dir, 'cart-service', await issueWorkloadCertificate(ca, request));
    await writeFile(join(dir, 'cart-service', 'tls.key'), (await issueWorkloadCertificate(ca, request)).keyPem);
    const started = Date.now();
    await expect(readWorkloadCertificate(dir, 'cart-service', { attempts: 3, retryDelayMs: 20 })).rejects.toThrow(IdentityMaterialUnusable);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
  });

  it('lets a reader that races a writer always get a consistent pair', async () => {
    const ca = await createMeshCa();
    await writeMeshCa(dir, ca);
    const request = { namespace: 'meshmart', service: 'cart-service' };
    const generations = await Promise.all(Array.from({ length: 10 }, () => issueWorkloadCertificate(ca, request)));
    await writeWorkloadCertificate(dir, 'cart-service', generations[0] ?? (await issueWorkloadCertificate(ca, request)));
    let writing = true;
    const writer = (async () => {
      for (const generation of generations) await writeWorkloadCertificate(dir, 'cart-service', generation);
      writing = false;
    })();
    const seen = new Set<string>();
    for (let reads = 0; reads < 500 && (writing || reads < 5); reads++) seen.add((await readWorkloadCertificate(dir, 'cart-service')).serialNumber);
    await writer;
    const written = new Set(generations.map((generation) => generation.serialNumber));
    expect([...seen].every((serial) => written.has(serial))).toBe(true);
    expect(seen.has(generations.at(-1)?.serialNumber ?? '')).toBe(true);
  });
});

import { writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { workloadFiles } from './certificate-files';
import { IdentityMaterialUnusable } from './identity-errors';
import { type IdentityMaterial } from './identity-material';
import { IdentityTestBed, eventually, namespace } from './identity-test-bed';
import { WorkloadIdentity } from './workload-identity';

const service = 'cart-service';

describe('WorkloadIdentity', () => {
  let bed: IdentityTestBed;
  let firstSerial: string;

  beforeEach(async () => {
    bed = await IdentityTestBed.create();
    firstSerial = (await bed.issue(service)).serialNumber;
  });

  afterEach(async () => {
    await bed.dispose();
  });

  it('loads the files and reports the SPIFFE ID, serial and expiry', async () => {
    const identity = await bed.identity(service);
    const material = identity.current();
    expect(material.spiffeId).toBe('spiffe://meshmart.local/ns/meshmart/sa/cart-service');
    expect(identity.spiffeId).toBe(material.spiffeId);
    expect(material.serialNumber).toBe(firstSerial);
    expect(material.notAfter.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    expect(material.ca).toBe(bed.ca.certPem);
  });

  it('rotates when the files change (fs.watch) and tells every listener', async () => {
    const identity = await bed.identity(service, { pollIntervalMs: 0 });
    const seen: IdentityMaterial[] = [];
    identity.onRotate((material) => seen.push(material));
    const next = await bed.issue(service);
    await eventually(() => seen.length > 0);
    expect(seen.map((material) => material.serialNumber)).toEqual([next.serialNumber]);
    expect(identity.current().serialNumber).toBe(next.serialNumber);
  });

  it('rotates by polling when file watching is off', async () => {
    const identity = await bed.identity(service, { watch: false, pollIntervalMs: 50 });
    const next = await bed.issue(service);
    await eventually(() => identity.current().serialNumber === next.serialNumber);
  });

  it('keeps the previous pair while the key on disk does not match the certificate, then takes the full new pair', async () => {
    const errors: unknown[] = [];
    const identity = await bed.identity(service, { pollIntervalMs: 50, onError: (error) => errors.push(error) });
    const rotations: string[] = [];
    identity.onRotate((material) => rotations.push(material.serialNumber));
    const next = await issueWorkloadCertificate(bed.ca, { namespace, service });
    const files = workloadFiles(bed.dir, service);

    await writeFile(files.keyFile, next.keyPem);
    await eventually(() => errors.length >= 2);
    expect(errors[0]).toBeInstanceOf(IdentityMaterialUnusable);
    expect(String(errors[0])).toMatch(/does not match/);
    expect(identity.current().serialNumber).toBe(firstSerial);
    expect(rotations).toEqual([]);

    await writeFile(files.certFile, next.certPem);
    await eventually(() => rotations.length === 1);
    expect(rotations).toEqual([next.serialNumber]);
  });

  it('keeps the previous pair when it reads a half-written certificate', async () => {
    const errors: unknown[] = [];
    const identity = await bed.identity(service, { pollIntervalMs: 50, onError: (error) => errors.push(error) });
    const next = await issueWorkloadCertificate(bed.ca, { namespace, service });
    const files = workloadFiles(bed.dir, service);
    await writeFile(files.certFile, next.certPem.slice(0, next.certPem.length / 2));
    await eventually(() => errors.length >= 2);
    expect(String(errors[0])).toMatch(/not a readable PEM certificate|does not match/);
    expect(identity.current().serialNumber).toBe(firstSerial);
  });

  it('refuses a certificate signed by another CA and keeps the previous one', async () => {
    const errors: unknown[] = [];
    const identity = await bed.identity(service, { pollIntervalMs: 50, onError: (error) => errors.push(error) });
    await bed.issue(service, {}, await createMeshCa({ commonName: 'foreign CA' }));
    await eventually(() => errors.some((error) => /not signed by the mesh CA/.test(String(error))));
    expect(identity.current().serialNumber).toBe(firstSerial);
  });

  it('fails to load when the pair on disk never matches', async () => {
    const other = await issueWorkloadCertificate(bed.ca, { namespace, service });
    await writeFile(workloadFiles(bed.dir, service).keyFile, other.keyPem);
    await expect(WorkloadIdentity.load({ ...workloadFiles(bed.dir, service), initialAttempts: 3 })).rejects.toThrow(IdentityMaterialUnusable);
  });

  it('stops following the files after close(), and an unsubscribed listener hears nothing', async () => {
    const identity = await bed.identity(service, { pollIntervalMs: 20 });
    const heard: string[] = [];
    const unsubscribe = identity.onRotate((material) => heard.push(material.serialNumber));
    unsubscribe();
    const second = await bed.issue(service);
    await eventually(() => identity.current().serialNumber === second.serialNumber);
    identity.close();
    await bed.issue(service);
    await sleep(200);
    expect(identity.current().serialNumber).toBe(second.serialNumber);
    expect(heard).toEqual([]);
  });
});

import 'reflect-metadata';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createSecureContext } from 'node:tls';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MeshCa, createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { InvalidWorkloadIdentity } from './identity-errors';

const hourMs = 3_600_000;

describe('mesh certificate authority', () => {
  let ca: MeshCa;

  beforeAll(async () => {
    ca = await createMeshCa({ commonName: 'unit test CA', validityDays: 30 });
  });

  it('creates a self-signed P-256 CA that is a CA, may only sign certificates, and lives validityDays', () => {
    const cert = new X509Certificate(ca.certPem);
    expect(cert.ca).toBe(true);
    expect(cert.subject).toContain('CN=unit test CA');
    expect(cert.checkIssued(cert) && cert.verify(cert.publicKey)).toBe(true);
    expect(cert.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const parsed = new x509.X509Certificate(ca.certPem);
    const constraints = parsed.getExtension(x509.BasicConstraintsExtension);
    expect(constraints?.critical).toBe(true);
    expect(parsed.getExtension(x509.KeyUsagesExtension)?.usages).toBe(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    expect(cert.validToDate.getTime() - Date.now()).toBeGreaterThan(30 * 24 * hourMs - 60_000);
    expect(cert.validToDate.getTime() - Date.now()).toBeLessThanOrEqual(30 * 24 * hourMs);
    expect(cert.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true);
  });

  it('issues a workload certificate carrying the SPIFFE ID, DNS and IP SANs, both EKUs, no CA rights, ~24 h', async () => {
    const before = Date.now();
    const issued = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'inventory-service' });
    const cert = new X509Certificate(issued.certPem);
    expect(issued.spiffeId).toBe('spiffe://meshmart.local/ns/meshmart/sa/inventory-service');
    expect(cert.subjectAltName).toBe(
      'URI:spiffe://meshmart.local/ns/meshmart/sa/inventory-service, DNS:inventory-service, DNS:localhost, IP Address:127.0.0.1',
    );
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(cert.ca).toBe(false);
    expect(new x509.X509Certificate(issued.certPem).getExtension(x509.BasicConstraintsExtension)).toBeNull();
    expect(cert.checkIssued(new X509Certificate(ca.certPem)) && cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.serialNumber).toBe(issued.serialNumber);
    expect(issued.notAfter.getTime()).toBe(cert.validToDate.getTime());
    // X.509 dates have one-second precision.
    expect(Math.abs(cert.validToDate.getTime() - (before + 24 * hourMs))).toBeLessThan(5_000);
    expect(cert.validFromDate.getTime()).toBeLessThan(before);
  });

  it('honours ttlHours, SAN lists and explicit dates', async () => {
    const shortLived = await issueWorkloadCertificate(ca, {
      namespace: 'shop',
      service: 'cart',
      ttlHours: 2,
      dnsNames: ['cart.shop.svc'],
      ipAddresses: ['10.0.0.7', '::1'],
    });
    const cert = new X509Certificate(shortLived.certPem);
    expect(Math.abs(cert.validToDate.getTime() - (Date.now() + 2 * hourMs))).toBeLessThan(5_000);
    expect(cert.subjectAltName).toBe('URI:spiffe://meshmart.local/ns/shop/sa/cart, DNS:cart.shop.svc, IP Address:10.0.0.7, IP Address:0:0:0:0:0:0:0:1');
    const notBefore = new Date('2020-01-01T00:00:00Z');
    const notAfter = new Date('2020-01-02T00:00:00Z');
    const old = new X509Certificate((await issueWorkloadCertificate(ca, { namespace: 'shop', service: 'cart', notBefore, notAfter })).certPem);
    expect([old.validFromDate, old.validToDate]).toEqual([notBefore, notAfter]);
  });

  it('writes keys as PKCS#8 PEM that Node TLS accepts, and gives every certificate its own key and serial', async () => {
    const [a, b] = await Promise.all([0, 1].map(() => issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' })));
    expect(a?.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(() => createSecureContext({ cert: a?.certPem, key: a?.keyPem, ca: ca.certPem })).not.toThrow();
    expect(a?.serialNumber).not.toBe(b?.serialNumber);
    expect(a?.keyPem).not.toBe(b?.keyPem);
  });

  it.each([
    [{ service: 'Cart_Service' }, /invalid service account/],
    [{ namespace: 'ns/evil' }, /invalid namespace/],
    [{ ttlHours: 0 }, /ttlHours must be a positive number/],
    [{ ttlHours: Number.NaN }, /ttlHours/],
    [{ ipAddresses: ['localhost'] }, /invalid IP SAN/],
    [{ dnsNames: ['bad name'] }, /invalid DNS SAN/],
    [{ notBefore: new Date(2_000), notAfter: new Date(1_000) }, /notAfter must be later/],
  ])('refuses a bad request %o', async (override, message) => {
    await expect(issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service', ...override })).rejects.toThrow(message);
    await expect(issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service', ...override })).rejects.toBeInstanceOf(InvalidWorkloadIdentity);
  });

  it('refuses a CA key that is not a private key', async () => {
    await expect(issueWorkloadCertificate({ certPem: ca.certPem, keyPem: 'not a key' }, { namespace: 'meshmart', service: 'cart-service' })).rejects.toThrow(
      /CA key/,
    );
    await expect(createMeshCa({ validityDays: -1 })).rejects.toThrow(InvalidWorkloadIdentity);
  });
});

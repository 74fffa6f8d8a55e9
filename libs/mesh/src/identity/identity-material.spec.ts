import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type MeshCa, type WorkloadCertificate, createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { IdentityMaterialUnusable } from './identity-errors';
import { identityMaterialFromPem, spiffeIdOfCertificate } from './identity-material';

describe('identity material', () => {
  let ca: MeshCa;
  let cart: WorkloadCertificate;

  beforeAll(async () => {
    ca = await createMeshCa();
    cart = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' });
  });

  it('accepts a matching pair signed by the CA and describes it as TLS sockets do', () => {
    const material = identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem, key: cart.keyPem });
    const node = new X509Certificate(cart.certPem);
    expect(material).toMatchObject({ spiffeId: cart.spiffeId, serialNumber: node.serialNumber, fingerprint256: node.fingerprint256, notAfter: node.validToDate });
  });

  it('refuses a key of another certificate', async () => {
    const other = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' });
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem, key: other.keyPem })).toThrow(/does not match/);
  });

  it('refuses a certificate of another CA', async () => {
    const foreign = await issueWorkloadCertificate(await createMeshCa(), { namespace: 'meshmart', service: 'cart-service' });
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: foreign.certPem, key: foreign.keyPem })).toThrow(/not signed by the mesh CA/);
  });

  it('refuses text that is not PEM, naming which file', () => {
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem.slice(0, 100), key: cart.keyPem })).toThrow(/workload certificate is not a readable/);
    expect(() => identityMaterialFromPem({ ca: '', cert: cart.certPem, key: cart.keyPem })).toThrow(/CA certificate/);
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem, key: 'junk' })).toThrow(IdentityMaterialUnusable);
  });

  it('finds the SPIFFE ID only where there is exactly one valid SPIFFE URI SAN', () => {
    expect(spiffeIdOfCertificate(cart.certPem)).toBe(cart.spiffeId);
    expect(spiffeIdOfCertificate(new X509Certificate(cart.certPem).raw)).toBe(cart.spiffeId);
    expect(spiffeIdOfCertificate(ca.certPem)).toBeUndefined();
    expect(spiffeIdOfCertificate('not a certificate')).toBeUndefined();
  });
});

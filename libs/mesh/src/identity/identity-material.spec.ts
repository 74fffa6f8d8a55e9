import 'reflect-metadata';
import { X509Certificate, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
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
    expect(material).toMatchObject({
      spiffeId: cart.spiffeId,
      serialNumber: node.serialNumber,
      fingerprint256: node.fingerprint256,
      notAfter: node.validToDate,
    });
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
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem.slice(0, 100), key: cart.keyPem })).toThrow(
      /workload certificate is not a readable/,
    );
    expect(() => identityMaterialFromPem({ ca: '', cert: cart.certPem, key: cart.keyPem })).toThrow(/CA certificate/);
    expect(() => identityMaterialFromPem({ ca: ca.certPem, cert: cart.certPem, key: 'junk' })).toThrow(IdentityMaterialUnusable);
  });

  it('finds the SPIFFE ID only where there is exactly one valid SPIFFE URI SAN', () => {
    expect(spiffeIdOfCertificate(cart.certPem)).toBe(cart.spiffeId);
    expect(spiffeIdOfCertificate(new X509Certificate(cart.certPem).raw)).toBe(cart.spiffeId);
    expect(spiffeIdOfCertificate(ca.certPem)).toBeUndefined();
    expect(spiffeIdOfCertificate('not a certificate')).toBeUndefined();
  });

  it('reads the URI SAN from the DER, so two URIs, a non-SPIFFE URI or a DNS name spelling a URI carry no identity', async () => {
    const id = 'spiffe://cluster.local/ns/meshmart/sa/cart-service';
    expect(
      await spiffeIdWithSans([
        { type: 'url', value: id },
        { type: 'dns', value: 'cart-service' },
      ]),
    ).toBe(id);
    expect(
      await spiffeIdWithSans([
        { type: 'url', value: id },
        { type: 'url', value: 'spiffe://cluster.local/ns/meshmart/sa/order-service' },
      ]),
    ).toBeUndefined();
    expect(await spiffeIdWithSans([{ type: 'url', value: 'https://cart-service.example' }])).toBeUndefined();
    // Node's SAN text of this one reads `DNS:"x, URI:spiffe://…"`: only a text parser could be fooled by it.
    expect(await spiffeIdWithSans([{ type: 'dns', value: `x, URI:${id}` }])).toBeUndefined();
  });
});

/** The SPIFFE ID found in a self-signed certificate carrying exactly these subject alternative names. */
async function spiffeIdWithSans(names: x509.JsonGeneralName[]): Promise<string | undefined> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const keys = await webcrypto.subtle.generateKey(algorithm, false, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    { serialNumber: '01', name: 'CN=test', keys, signingAlgorithm: algorithm, extensions: [new x509.SubjectAlternativeNameExtension(names)] },
    webcrypto,
  );
  return spiffeIdOfCertificate(cert.toString('pem'));
}

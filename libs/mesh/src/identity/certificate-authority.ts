// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect polyfill.
import 'reflect-metadata';
import { createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';
import { InvalidWorkloadIdentity } from './identity-errors';
import { DEFAULT_TRUST_DOMAIN, spiffeId } from './spiffe';

/** The mesh CA: a self-signed certificate and its PKCS#8 key, both PEM. */
export interface MeshCa {
  certPem: string;
  keyPem: string;
}

export interface CreateMeshCaOptions {
  /** Subject common name of the CA; default `MeshMart mesh CA`. */
  commonName?: string;
  /** Validity in days from now; default 365. */
  validityDays?: number;
}

export interface WorkloadCertificateRequest {
  /** Namespace part of the SPIFFE ID, e.g. `meshmart`. */
  namespace: string;
  /** Workload name: the service account of the SPIFFE ID and the certificate's common name. */
  service: string;
  /** Trust domain of the SPIFFE ID; default `meshmart.local`. */
  trustDomain?: string;
  /** Lifetime in hours; default 24, so a leaked key is useful for a day at most. */
  ttlHours?: number;
  /** DNS SANs; default `[service, 'localhost']`. */
  dnsNames?: readonly string[];
  /** IP SANs; default `['127.0.0.1']`. */
  ipAddresses?: readonly string[];
  /** Start of validity; default one minute ago, to tolerate clock skew between workloads. */
  notBefore?: Date;
  /** End of validity; default `now + ttlHours`. Set both dates to make e.g. an expired certificate. */
  notAfter?: Date;
}

/** A workload's X.509-SVID: certificate and PKCS#8 key (PEM), with what it asserts. */
export interface WorkloadCertificate {
  certPem: string;
  keyPem: string;
  spiffeId: string;
  notAfter: Date;
  /** Hexadecimal serial number in upper case, as Node's `X509Certificate` and TLS sockets print it. */
  serialNumber: string;
}

// Node's WebCrypto, passed explicitly so nothing depends on @peculiar/x509's global provider.
const crypto: webcrypto.Crypto = webcrypto;
const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const clockSkewMs = 60_000;
const hourMs = 3_600_000;

/**
 * Creates the mesh's root CA (ECDSA P-256). Why our own CA: in local mode no Istio or
 * SPIRE issues identities, and every test needs a CA it controls.
 *
 * @example const ca = await createMeshCa({ validityDays: 30 });
 */
export async function createMeshCa({ commonName = 'MeshMart mesh CA', validityDays = 365 }: CreateMeshCaOptions = {}): Promise<MeshCa> {
  assertPositive('validityDays', validityDays);
  const keys = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialNumber(),
      name: [{ CN: [commonName] }, { O: ['MeshMart'] }],
      notBefore: new Date(now - clockSkewMs),
      notAfter: new Date(now + validityDays * 24 * hourMs),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: cert.toString('pem'), keyPem: await exportPkcs8Pem(keys.privateKey) };
}

/**
 * Issues a short-lived workload certificate signed by `ca`: the SPIFFE ID as its only URI SAN,
 * DNS and IP SANs so plain HTTPS tools also work, and both serverAuth and clientAuth because
 * every workload is a server and a client of the mesh.
 *
 * @example const cert = await issueWorkloadCertificate(ca, { namespace: 'meshmart', service: 'cart-service' });
 * @throws InvalidWorkloadIdentity for a bad namespace, service, TTL, SAN or dates.
 */
export async function issueWorkloadCertificate(ca: MeshCa, request: WorkloadCertificateRequest): Promise<WorkloadCertificate> {
  const { namespace, service, trustDomain = DEFAULT_TRUST_DOMAIN, ttlHours = 24 } = request;
  const { dnsNames = [service, 'localhost'], ipAddresses = ['127.0.0.1'] } = request;
  const id = spiffeId({ trustDomain, namespace, serviceAccount: service });
  assertPositive('ttlHours', ttlHours);
  const badIp = ipAddresses.find((ip) => isIP(ip) === 0);
  if (badIp !== undefined) throw new InvalidWorkloadIdentity(`invalid IP SAN "${badIp}"`);
  const badDns = dnsNames.find((name) => !/^(?:\*\.)?[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/i.test(name));
  if (badDns !== undefined) throw new InvalidWorkloadIdentity(`invalid DNS SAN "${badDns}"`);
  const now = Date.now();
  const notBefore = request.notBefore ?? new Date(now - clockSkewMs);
  const notAfter = request.notAfter ?? new Date(now + ttlHours * hourMs);
  if (notAfter.getTime() <= notBefore.getTime()) throw new InvalidWorkloadIdentity('notAfter must be later than notBefore');

  const caCert = new x509.X509Certificate(ca.certPem);
  const caKey = await importCaSigningKey(ca.keyPem);
  const keys = await crypto.subtle.generateKey(ecdsa, true, ['sign', 'verify']);
  const sans: x509.JsonGeneralName[] = [
    { type: 'url', value: id },
    ...dnsNames.map((value) => ({ type: 'dns' as const, value })),
    ...ipAddresses.map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerialNumber(),
      subject: [{ CN: [service] }, { O: ['MeshMart'] }, { OU: [namespace] }],
      issuer: caCert.subjectName,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(sans),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return {
    certPem: cert.toString('pem'),
    keyPem: await exportPkcs8Pem(keys.privateKey),
    spiffeId: id,
    notAfter: cert.notAfter,
    serialNumber: cert.serialNumber.toUpperCase(),
  };
}

async function importCaSigningKey(keyPem: string): Promise<webcrypto.CryptoKey> {
  let der: Buffer;
  try {
    der = createPrivateKey(keyPem).export({ type: 'pkcs8', format: 'der' });
  } catch (cause) {
    throw new InvalidWorkloadIdentity('the CA key is not a readable PEM private key', { cause });
  }
  try {
    return await crypto.subtle.importKey('pkcs8', der, ecdsa, false, ['sign']);
  } catch (cause) {
    throw new InvalidWorkloadIdentity('the CA key is not an ECDSA P-256 key', { cause });
  }
}

async function exportPkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** 128 random bits, positive, first hex digit never 0 (so every tool prints it the same way). */
function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
}

function assertPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) throw new InvalidWorkloadIdentity(`${name} must be a positive number, got ${value}`);
}

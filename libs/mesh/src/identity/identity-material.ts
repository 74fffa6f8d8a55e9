import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_subjectAltName, SubjectAlternativeName } from '@peculiar/asn1-x509';
import { IdentityMaterialUnusable } from './identity-errors';
import { parseSpiffeId } from './spiffe';

/** Where a workload's identity lives on disk. */
export interface IdentityFiles {
  /** PEM of the mesh CA, the only issuer peers are trusted from. */
  caFile: string;
  /** PEM of the workload certificate. */
  certFile: string;
  /** PEM (PKCS#8) of the workload's private key. */
  keyFile: string;
}

/** A consistent CA, certificate and key, checked to belong together. */
export interface IdentityMaterial {
  /** PEM of the mesh CA. */
  ca: string;
  /** PEM of the workload certificate. */
  cert: string;
  /** PEM of the private key, which matches `cert`. */
  key: string;
  /** The certificate's SPIFFE ID (its only URI SAN). */
  spiffeId: string;
  notAfter: Date;
  /** Upper-case hexadecimal, as TLS sockets report it in `getPeerCertificate().serialNumber`. */
  serialNumber: string;
  /** SHA-256 fingerprint, colon-separated upper-case hex as in `getPeerCertificate().fingerprint256`. */
  fingerprint256: string;
}

export interface ReadIdentityOptions {
  /** How many reads to try before giving up; default 1. A rotation caught half-way heals on a retry. */
  attempts?: number;
  /** Pause between attempts; default 25 ms. */
  retryDelayMs?: number;
}

/**
 * The SPIFFE ID a certificate asserts: its URI SAN, if there is exactly one and it is a valid
 * SPIFFE ID (as the X.509-SVID spec requires); otherwise `undefined`. Reads the DER with a real
 * ASN.1 parser rather than Node's SAN text, which is easier to fool.
 */
export function spiffeIdOfCertificate(certificate: Uint8Array | string): string | undefined {
  // Every new mTLS connection asks, on both ends, about one of a handful of certificates, and
  // parsing X.509 in JavaScript costs more than the handshake's own crypto: remember the answers.
  const key =
    typeof certificate === 'string' ? certificate : Buffer.from(certificate.buffer, certificate.byteOffset, certificate.byteLength).toString('base64');
  const known = spiffeIdOfKnownCertificate.get(key);
  if (known !== undefined || spiffeIdOfKnownCertificate.has(key)) return known;
  const id = parseSpiffeIdOfCertificate(certificate);
  if (spiffeIdOfKnownCertificate.size >= KNOWN_CERTIFICATES) spiffeIdOfKnownCertificate.clear();
  spiffeIdOfKnownCertificate.set(key, id);
  return id;
}

const KNOWN_CERTIFICATES = 256;
const spiffeIdOfKnownCertificate = new Map<string, string | undefined>();

function parseSpiffeIdOfCertificate(certificate: Uint8Array | string): string | undefined {
  // The ASN.1 schemas alone, not @peculiar/x509 (which loads every algorithm and format it knows
  // through tsyringe): a service reads its own certificate while it starts.
  let sans: SubjectAlternativeName[];
  try {
    const der = typeof certificate === 'string' ? new X509Certificate(certificate).raw : certificate;
    const { tbsCertificate } = AsnConvert.parse(der, Certificate);
    sans = (tbsCertificate.extensions ?? [])
      .filter((extension) => extension.extnID === id_ce_subjectAltName)
      .map((extension) => AsnConvert.parse(extension.extnValue, SubjectAlternativeName));
  } catch {
    return undefined;
  }
  const uris = sans.flatMap((san) => san.flatMap((name) => (name.uniformResourceIdentifier === undefined ? [] : [name.uniformResourceIdentifier])));
  const [uri] = uris;
  return sans.length === 1 && uris.length === 1 && uri !== undefined && parseSpiffeId(uri) ? uri : undefined;
}

/**
 * Checks that PEM texts form one usable identity: the key matches the certificate, the CA signed
 * the certificate, and the certificate carries a SPIFFE ID.
 *
 * @throws IdentityMaterialUnusable naming the first problem found.
 */
export function identityMaterialFromPem(pem: { ca: string; cert: string; key: string }): IdentityMaterial {
  const ca = parseCertificate(pem.ca, 'CA');
  const cert = parseCertificate(pem.cert, 'workload');
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(pem.key));
  } catch (cause) {
    throw new IdentityMaterialUnusable('the private key is not a readable PEM key', { cause });
  }
  if (!matches) throw new IdentityMaterialUnusable('the private key does not match the certificate');
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw new IdentityMaterialUnusable('the certificate is not signed by the mesh CA');
  const id = spiffeIdOfCertificate(cert.raw);
  if (id === undefined) throw new IdentityMaterialUnusable('the certificate carries no single SPIFFE ID URI SAN');
  return {
    ca: pem.ca,
    cert: pem.cert,
    key: pem.key,
    spiffeId: id,
    notAfter: cert.validToDate,
    serialNumber: cert.serialNumber.toUpperCase(),
    fingerprint256: cert.fingerprint256,
  };
}

/**
 * Reads and checks an identity from disk, trying again (bounded) while it is inconsistent,
 * because a writer replaces key and certificate one after the other.
 *
 * @throws IdentityMaterialUnusable with the last problem once every attempt failed.
 */
export async function readIdentityMaterial(files: IdentityFiles, { attempts = 1, retryDelayMs = 25 }: ReadIdentityOptions = {}): Promise<IdentityMaterial> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= Math.max(1, attempts); attempt++) {
    try {
      const [ca, cert, key] = await Promise.all([files.caFile, files.certFile, files.keyFile].map((file) => readFile(file, 'utf8')));
      return identityMaterialFromPem({ ca: ca ?? '', cert: cert ?? '', key: key ?? '' });
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await sleep(retryDelayMs);
    }
  }
  if (lastError instanceof IdentityMaterialUnusable) throw lastError;
  throw new IdentityMaterialUnusable(`cannot read the identity files (${files.certFile})`, { cause: lastError });
}

function parseCertificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new IdentityMaterialUnusable(`the ${what} certificate is not a readable PEM certificate`, { cause });
  }
}

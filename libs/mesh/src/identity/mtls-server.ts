import { type Socket } from 'node:net';
import { type SecureContextOptions, TLSSocket } from 'node:tls';
import { type IdentityMaterial, spiffeIdOfCertificate } from './identity-material';
import { type IdentitySource } from './workload-identity';

/** TLS settings of a mesh listener: the workload's certificate, and only mesh peers let in. */
export interface MtlsServerOptions {
  ca: string;
  cert: string;
  key: string;
  /** Ask every client for a certificate... */
  requestCert: true;
  /** ...and refuse the handshake without one signed by the mesh CA. */
  rejectUnauthorized: true;
  minVersion: 'TLSv1.2';
}

/** Anything whose TLS context can be swapped live: `tls.Server`, `https.Server`, Fastify's `server`. */
export interface SecureContextTarget {
  setSecureContext(options: SecureContextOptions): void;
}

/**
 * Options for `https.createServer` (or Fastify's `https` option) that make a listener mTLS-only:
 * plaintext, certificate-less and foreign-CA clients fail the handshake before any route runs.
 * Pair with `attachRotation` so the server follows certificate rotations.
 *
 * @example
 * const server = https.createServer(mtlsServerOptions(identity), handler);
 * const detach = attachRotation(server, identity);
 */
export function mtlsServerOptions(identity: IdentitySource): MtlsServerOptions {
  return { ...secureContextOptions(identity.current()), requestCert: true, rejectUnauthorized: true };
}

/**
 * Makes `server` use the identity's newest certificate: each rotation swaps the secure context,
 * which affects only handshakes that start afterwards, so requests on open connections go on
 * undisturbed. The new context also has new session-ticket keys, so no client resumes into a
 * session made with the old certificate.
 *
 * @returns a function that stops following rotations.
 */
export function attachRotation(server: SecureContextTarget, identity: IdentitySource): () => void {
  // Catch up with a rotation that happened between building the options and attaching.
  server.setSecureContext(secureContextOptions(identity.current()));
  return identity.onRotate((material) => server.setSecureContext(secureContextOptions(material)));
}

const verifiedPeers = new WeakMap<TLSSocket, string | undefined>();

/**
 * The SPIFFE ID of the peer on `socket`, if the socket is TLS, the peer's certificate was verified
 * against the mesh CA, and it carries exactly one SPIFFE URI SAN; otherwise `undefined`. This is
 * the caller identity authorization policies decide on. Cached per socket (it cannot change).
 *
 * @example const caller = peerSpiffeId(request.socket);
 */
export function peerSpiffeId(socket: Socket | TLSSocket | undefined | null): string | undefined {
  if (!(socket instanceof TLSSocket) || !socket.authorized) return undefined;
  if (verifiedPeers.has(socket)) return verifiedPeers.get(socket);
  const raw = socket.getPeerCertificate()?.raw as Buffer | undefined;
  const id = raw ? spiffeIdOfCertificate(raw) : undefined;
  verifiedPeers.set(socket, id);
  return id;
}

function secureContextOptions(material: IdentityMaterial): { ca: string; cert: string; key: string; minVersion: 'TLSv1.2' } {
  return { ca: material.ca, cert: material.cert, key: material.key, minVersion: 'TLSv1.2' };
}

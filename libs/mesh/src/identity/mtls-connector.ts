import { connect, type ConnectionOptions, createSecureContext, type PeerCertificate, type SecureContext, type TLSSocket } from 'node:tls';
import { IdentityRejected } from '../errors/mesh-error';
import { spiffeIdOfCertificate } from './identity-material';
import { type IdentitySource } from './workload-identity';

/**
 * The client half of a mesh mTLS handshake, shared by every outbound connection of a workload:
 * it presents the workload's current certificate, trusts only the mesh CA, and accepts the
 * server only if it presents one of the expected SPIFFE IDs (host names mean nothing inside the
 * mesh). The TLS context is built once per certificate: building it parses the PEMs.
 */
export class MtlsConnector {
  private readonly expected: ReadonlySet<string>;
  private context: { fingerprint256: string; secureContext: SecureContext } | undefined;

  constructor(
    readonly identity: IdentitySource,
    expectedSpiffeId: string | readonly string[],
  ) {
    this.expected = new Set(typeof expectedSpiffeId === 'string' ? [expectedSpiffeId] : expectedSpiffeId);
  }

  /** Fingerprint of the certificate new connections present. */
  fingerprint(): string {
    return this.identity.current().fingerprint256;
  }

  /** Options for `tls.connect` (or an agent's `createConnection`) with the current certificate. */
  tlsOptions(): Pick<ConnectionOptions, 'secureContext' | 'rejectUnauthorized' | 'checkServerIdentity'> & { fingerprint256: string } {
    const { ca, cert, key, fingerprint256 } = this.identity.current();
    if (this.context?.fingerprint256 !== fingerprint256) this.context = { fingerprint256, secureContext: createSecureContext({ ca, cert, key }) };
    return {
      fingerprint256,
      secureContext: this.context.secureContext,
      rejectUnauthorized: true,
      checkServerIdentity: (_host: string, peer: PeerCertificate) => this.checkServerSpiffeId(peer),
    };
  }

  /** Opens one mTLS connection; `callback` runs once the handshake and the SPIFFE check passed, or with the failure. */
  connect(host: string, port: number, callback: (error: Error | null, socket: TLSSocket | null) => void): TLSSocket {
    const { fingerprint256: _, ...options } = this.tlsOptions();
    const socket = connect({ ...options, host, port, ALPNProtocols: ['http/1.1'] });
    const failed = (error: Error) => callback(error, null);
    socket.once('error', failed);
    socket.once('secureConnect', () => {
      socket.off('error', failed);
      callback(null, socket);
    });
    return socket;
  }

  private checkServerSpiffeId(peer: PeerCertificate): Error | undefined {
    const presented = peer.raw ? spiffeIdOfCertificate(peer.raw) : undefined;
    if (presented !== undefined && this.expected.has(presented)) return undefined;
    const wanted = [...this.expected].join(' or ');
    return new IdentityRejected(`server presented ${presented ?? 'no SPIFFE ID'}, expected ${wanted}`);
  }
}

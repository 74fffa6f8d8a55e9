import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { type Duplex } from 'node:stream';
import { type ConnectionOptions, createSecureContext, type PeerCertificate, type SecureContext } from 'node:tls';
import { IdentityRejected } from '../errors/mesh-error';
import { spiffeIdOfCertificate } from './identity-material';
import { type IdentitySource } from './workload-identity';

export interface MtlsAgentOptions {
  /** The SPIFFE ID(s) the server must present; any other mesh workload is refused. */
  expectedSpiffeId: string | readonly string[];
  /** Reuse connections; default true. */
  keepAlive?: boolean;
  /** Connections per upstream origin; default unlimited (Node's default). */
  maxSockets?: number;
  /** Idle keep-alive connections kept per origin; default 256 (Node's default). */
  maxFreeSockets?: number;
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

/**
 * An `https.Agent` that speaks mesh mTLS: it presents the workload's current certificate,
 * trusts only the mesh CA, and checks that the server is the expected workload by its SPIFFE
 * ID (host names mean nothing inside the mesh). Connection pools and TLS session caches are
 * keyed by the client certificate, so after a rotation every new connection does a full
 * handshake with the new certificate; connections still using the old one finish their
 * request and are then closed rather than reused.
 */
export class MtlsAgent extends Agent {
  private readonly expected: ReadonlySet<string>;
  private readonly certificateOfSocket = new WeakMap<object, string>();
  private readonly stopFollowingRotation: () => void;
  /** The TLS context of the current certificate: building one parses the PEMs, on every connection if not kept. */
  private context: { fingerprint256: string; secureContext: SecureContext } | undefined;

  constructor(
    private readonly identity: IdentitySource,
    { expectedSpiffeId, keepAlive = true, maxSockets, maxFreeSockets }: MtlsAgentOptions,
  ) {
    const options: AgentOptions = { keepAlive, rejectUnauthorized: true };
    if (maxSockets !== undefined) options.maxSockets = maxSockets;
    if (maxFreeSockets !== undefined) options.maxFreeSockets = maxFreeSockets;
    super(options);
    this.expected = new Set(typeof expectedSpiffeId === 'string' ? [expectedSpiffeId] : expectedSpiffeId);
    this.stopFollowingRotation = identity.onRotate(() => this.closeIdleStaleSockets());
  }

  /** Pool (and TLS session cache) name, extended with the client certificate in use. */
  override getName(options?: RequestOptions): string {
    return `${super.getName(options)}:${this.identity.current().fingerprint256}`;
  }

  override createConnection(options: RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    const { ca, cert, key, fingerprint256 } = this.identity.current();
    if (this.context?.fingerprint256 !== fingerprint256) this.context = { fingerprint256, secureContext: createSecureContext({ ca, cert, key }) };
    // https.RequestOptions does not list `secureContext`, but the options go to tls.connect, which takes it.
    const tlsOptions = { ...options, secureContext: this.context.secureContext, rejectUnauthorized: true, checkServerIdentity: (_host: string, peer: PeerCertificate) => this.checkServerSpiffeId(peer) };
    const socket = super.createConnection(tlsOptions as RequestOptions & Pick<ConnectionOptions, 'secureContext'>, callback);
    if (socket) this.certificateOfSocket.set(socket, fingerprint256);
    return socket;
  }

  /** Keeps a finished connection for reuse only if it still presents the current certificate. */
  override keepSocketAlive(socket: Duplex): boolean {
    const fingerprint = this.certificateOfSocket.get(socket);
    if (fingerprint !== undefined && fingerprint !== this.identity.current().fingerprint256) return false;
    // Node returns whether to keep the socket; @types/node declares it void.
    const keep: unknown = super.keepSocketAlive(socket);
    return keep === true;
  }

  /** Closes every connection and stops following the identity's rotations. */
  override destroy(): void {
    this.stopFollowingRotation();
    super.destroy();
  }

  private checkServerSpiffeId(peer: PeerCertificate): Error | undefined {
    const presented = peer.raw ? spiffeIdOfCertificate(peer.raw) : undefined;
    if (presented !== undefined && this.expected.has(presented)) return undefined;
    const wanted = [...this.expected].join(' or ');
    return new IdentityRejected(`server presented ${presented ?? 'no SPIFFE ID'}, expected ${wanted}`);
  }

  private closeIdleStaleSockets(): void {
    const current = this.identity.current().fingerprint256;
    for (const [name, sockets] of Object.entries(this.freeSockets)) {
      if (name.endsWith(`:${current}`)) continue;
      for (const socket of sockets ?? []) socket.destroy();
    }
  }
}

/**
 * The outbound half of mesh mTLS, for `https.request({ agent })` or any client taking an agent.
 *
 * @example
 * const agent = mtlsAgent(identity, { expectedSpiffeId: 'spiffe://meshmart.local/ns/meshmart/sa/inventory-service' });
 * https.get({ host: '127.0.0.1', port, path: '/stock', agent }, onResponse);
 */
export function mtlsAgent(identity: IdentitySource, options: MtlsAgentOptions): MtlsAgent {
  return new MtlsAgent(identity, options);
}

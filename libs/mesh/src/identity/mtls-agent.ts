import { Agent, type AgentOptions, type RequestOptions } from 'node:https';
import { type Duplex } from 'node:stream';
import { type ConnectionOptions } from 'node:tls';
import { MtlsConnector } from './mtls-connector';
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
  private readonly connector: MtlsConnector;
  private readonly certificateOfSocket = new WeakMap<object, string>();
  private readonly stopFollowingRotation: () => void;

  constructor(
    private readonly identity: IdentitySource,
    { expectedSpiffeId, keepAlive = true, maxSockets, maxFreeSockets }: MtlsAgentOptions,
  ) {
    const options: AgentOptions = { keepAlive, rejectUnauthorized: true };
    if (maxSockets !== undefined) options.maxSockets = maxSockets;
    if (maxFreeSockets !== undefined) options.maxFreeSockets = maxFreeSockets;
    super(options);
    this.connector = new MtlsConnector(identity, expectedSpiffeId);
    this.stopFollowingRotation = identity.onRotate(() => this.closeIdleStaleSockets());
  }

  /** Pool (and TLS session cache) name, extended with the client certificate in use. */
  override getName(options?: RequestOptions): string {
    return `${super.getName(options)}:${this.identity.current().fingerprint256}`;
  }

  override createConnection(options: RequestOptions, callback?: ConnectionCallback): Duplex | null | undefined {
    const { fingerprint256, ...mtls } = this.connector.tlsOptions();
    // https.RequestOptions does not list `secureContext`, but the options go to tls.connect, which takes it.
    const tlsOptions = { ...options, ...mtls };
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

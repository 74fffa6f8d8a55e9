import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Agent, type Server, createServer, request } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket } from 'node:tls';
import { type MeshCa, type WorkloadCertificate, type WorkloadCertificateRequest, createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { workloadFiles, writeMeshCa, writeWorkloadCertificate } from './certificate-files';
import { attachRotation, mtlsServerOptions, peerSpiffeId } from './mtls-server';
import { WorkloadIdentity, type WorkloadIdentityOptions } from './workload-identity';

/** What the test server answers: who called, with which certificate. */
export interface EchoBody {
  caller: string | null;
  callerSerial: string | null;
}

export interface EchoResponse {
  status: number;
  body: EchoBody;
  /** Serial of the certificate the server presented; undefined on a resumed TLS session. */
  serverSerial: string | undefined;
  reusedSocket: boolean;
}

export const namespace = 'meshmart';
export const inventoryId = 'spiffe://meshmart.local/ns/meshmart/sa/inventory-service';
export const cartId = 'spiffe://meshmart.local/ns/meshmart/sa/cart-service';

/**
 * A throw-away mesh for identity integration tests: a CA and certificates in a temporary
 * folder, identities loaded from it, and mTLS echo servers on 127.0.0.1. Only for tests.
 */
export class IdentityTestBed {
  readonly servers: Server[] = [];
  private readonly identities: WorkloadIdentity[] = [];
  /** Requests that reached a handler, across every server of the bed. */
  handled = 0;

  private constructor(
    readonly dir: string,
    readonly ca: MeshCa,
  ) {}

  static async create(): Promise<IdentityTestBed> {
    const dir = await mkdtemp(join(tmpdir(), 'meshmart-identity-'));
    const ca = await createMeshCa({ commonName: 'test mesh CA', validityDays: 1 });
    await writeMeshCa(dir, ca);
    return new IdentityTestBed(dir, ca);
  }

  /** Issues a certificate from the bed's CA (or `ca`) and writes it as `service`'s files. */
  async issue(service: string, overrides: Partial<WorkloadCertificateRequest> = {}, ca: MeshCa = this.ca): Promise<WorkloadCertificate> {
    const certificate = await issueWorkloadCertificate(ca, { namespace, service, ...overrides });
    await writeWorkloadCertificate(this.dir, service, certificate);
    return certificate;
  }

  async identity(service: string, options: Partial<WorkloadIdentityOptions> = {}): Promise<WorkloadIdentity> {
    const identity = await WorkloadIdentity.load({ ...workloadFiles(this.dir, service), settleMs: 10, ...options });
    this.identities.push(identity);
    return identity;
  }

  /** An mTLS server that echoes the caller's SPIFFE ID and certificate serial, after `delayMs`. */
  async startEchoServer(identity: WorkloadIdentity, delayMs = 0): Promise<number> {
    const server = createServer(mtlsServerOptions(identity), (req: IncomingMessage, res: ServerResponse) => {
      this.handled++;
      const socket = req.socket as TLSSocket;
      const body: EchoBody = { caller: peerSpiffeId(socket) ?? null, callerSerial: socket.getPeerCertificate().serialNumber ?? null };
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)), delayMs);
    });
    attachRotation(server, identity);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  async dispose(): Promise<void> {
    for (const identity of this.identities) identity.close();
    for (const server of this.servers) server.closeAllConnections();
    await Promise.all(this.servers.map((server) => new Promise((resolve) => server.close(resolve))));
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** One GET through `agent` (or bare TLS options), bounded by `timeoutMs`. */
export function echo(port: number, options: { agent?: Agent; ca?: string; cert?: string; key?: string }, timeoutMs = 5_000): Promise<EchoResponse> {
  return new Promise((resolve, reject) => {
    // Without an agent: a one-off connection that trusts the CA but skips the host name check.
    const tls = options.agent ? { agent: options.agent } : { ...options, agent: false, checkServerIdentity: () => undefined };
    const req = request({ host: '127.0.0.1', port, path: '/', ...tls }, (res) => {
      const socket = res.socket as TLSSocket;
      const serverSerial = socket.getPeerCertificate().serialNumber as string | undefined;
      const reusedSocket = req.reusedSocket;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as EchoBody, serverSerial, reusedSocket }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves once `check` holds, polling every 10 ms; rejects after `timeoutMs`. */
export async function eventually(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

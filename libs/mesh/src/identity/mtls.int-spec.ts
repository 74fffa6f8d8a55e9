import { get as plainGet } from 'node:http';
import { type Server as HttpsServer, createServer } from 'node:https';
import { type AddressInfo, Socket } from 'node:net';
import { type TLSSocket } from 'node:tls';
import { type FastifyInstance, fastify } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityRejected } from '../errors/mesh-error';
import { createMeshCa, issueWorkloadCertificate } from './certificate-authority';
import { IdentityTestBed, cartId, echo, eventually, inventoryId, namespace } from './identity-test-bed';
import { mtlsAgent } from './mtls-agent';
import { attachRotation, mtlsServerOptions, peerSpiffeId } from './mtls-server';
import { type WorkloadIdentity } from './workload-identity';

describe('mesh mTLS over real sockets', () => {
  let bed: IdentityTestBed;
  let inventoryPort: number;
  let paymentPort: number;
  let cart: WorkloadIdentity;
  const clientErrors: string[] = [];

  beforeAll(async () => {
    bed = await IdentityTestBed.create();
    await Promise.all(['inventory-service', 'payment-service', 'cart-service'].map((service) => bed.issue(service)));
    inventoryPort = await bed.startEchoServer(await bed.identity('inventory-service'));
    paymentPort = await bed.startEchoServer(await bed.identity('payment-service'));
    cart = await bed.identity('cart-service');
    // A rejected certificate's reason is on the socket (authorizationError), not on the error.
    for (const server of bed.servers)
      server.on('tlsClientError', (error: Error, socket: TLSSocket) => clientErrors.push(`${error.message} ${String(socket.authorizationError ?? '')}`));
  });

  afterAll(async () => {
    await bed?.dispose();
  });

  /** Runs `attempt`, which must fail, and returns what the server logged while refusing it. */
  async function refusedBy(attempt: () => Promise<unknown>): Promise<{ error: unknown; serverSaw: string }> {
    const handledBefore = bed.handled;
    clientErrors.length = 0;
    const error = await attempt().then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error, 'the request should have failed').toBeInstanceOf(Error);
    expect(bed.handled, 'no handler may run for a refused client').toBe(handledBefore);
    // The server notices the failed handshake slightly after the client does.
    const deadline = Date.now() + 2_000;
    while (clientErrors.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    return { error, serverSaw: clientErrors.join('; ') };
  }

  describe('server built with mtlsServerOptions', () => {
    it('serves a client with a valid workload certificate and knows its SPIFFE ID', async () => {
      const { certPem, keyPem, serialNumber } = await issueWorkloadCertificate(bed.ca, { namespace, service: 'cart-service' });
      const response = await echo(inventoryPort, { ca: bed.ca.certPem, cert: certPem, key: keyPem });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ caller: cartId, callerSerial: serialNumber });
    });

    it('refuses a plaintext HTTP client', async () => {
      const attempt = () =>
        new Promise((resolve, reject) => {
          const req = plainGet({ host: '127.0.0.1', port: inventoryPort, path: '/', agent: false }, resolve);
          req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
          req.on('error', reject);
        });
      const { error, serverSaw } = await refusedBy(attempt);
      expect((error as Error).message).not.toBe('timeout');
      expect(serverSaw).toMatch(/http request|wrong version number|unexpected message/i);
    });

    it('refuses a TLS client that presents no certificate', async () => {
      const { serverSaw } = await refusedBy(() => echo(inventoryPort, { ca: bed.ca.certPem }));
      expect(serverSaw).toMatch(/peer did not return a certificate|certificate required/i);
    });

    it('refuses a client whose certificate comes from another CA', async () => {
      const foreignCa = await createMeshCa({ commonName: 'foreign CA' });
      const foreign = await issueWorkloadCertificate(foreignCa, { namespace, service: 'cart-service' });
      const { serverSaw } = await refusedBy(() => echo(inventoryPort, { ca: bed.ca.certPem, cert: foreign.certPem, key: foreign.keyPem }));
      expect(serverSaw).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/);
    });

    it('refuses a client whose certificate has expired', async () => {
      const day = 24 * 3_600_000;
      const expired = await issueWorkloadCertificate(bed.ca, {
        namespace,
        service: 'cart-service',
        notBefore: new Date(Date.now() - 2 * day),
        notAfter: new Date(Date.now() - day),
      });
      const { serverSaw } = await refusedBy(() => echo(inventoryPort, { ca: bed.ca.certPem, cert: expired.certPem, key: expired.keyPem }));
      expect(serverSaw).toMatch(/CERT_HAS_EXPIRED/);
    });
  });

  describe('client agent built with mtlsAgent', () => {
    it('refuses a server that presents another workload certificate (payment instead of inventory)', async () => {
      const agent = mtlsAgent(cart, { expectedSpiffeId: inventoryId });
      const handledBefore = bed.handled;
      try {
        const error = await echo(paymentPort, { agent }).then(
          () => undefined,
          (failure: unknown) => failure,
        );
        expect(error).toBeInstanceOf(IdentityRejected);
        expect((error as Error).message).toContain('sa/payment-service');
        expect(bed.handled).toBe(handledBefore);
      } finally {
        agent.destroy();
      }
    });

    it('accepts the expected server and presents the workload certificate', async () => {
      const agent = mtlsAgent(cart, { expectedSpiffeId: inventoryId });
      try {
        const first = await echo(inventoryPort, { agent });
        const second = await echo(inventoryPort, { agent });
        expect(first.status).toBe(200);
        expect(first.body).toEqual({ caller: cartId, callerSerial: cart.current().serialNumber });
        expect(second.reusedSocket).toBe(true);
      } finally {
        agent.destroy();
      }
    });

    it('refuses a server with the right SPIFFE ID from a foreign CA', async () => {
      const foreignCa = await createMeshCa({ commonName: 'foreign CA' });
      const impostor = await issueWorkloadCertificate(foreignCa, { namespace, service: 'inventory-service' });
      const server = createServer({ cert: impostor.certPem, key: impostor.keyPem }, (_req, res) => res.end('{}'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const agent = mtlsAgent(cart, { expectedSpiffeId: inventoryId });
      try {
        const port = (server.address() as { port: number }).port;
        await expect(echo(port, { agent })).rejects.toThrow(/unable to verify|self[- ]signed|issuer/i);
      } finally {
        agent.destroy();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  it('peerSpiffeId is undefined for anything but a verified TLS socket', () => {
    expect(peerSpiffeId(new Socket())).toBeUndefined();
    expect(peerSpiffeId(undefined)).toBeUndefined();
  });
});

describe('mesh mTLS on Fastify (the server NestJS runs on)', () => {
  let bed: IdentityTestBed;
  let app: FastifyInstance<HttpsServer>;

  beforeAll(async () => {
    bed = await IdentityTestBed.create();
    await Promise.all(['inventory-service', 'cart-service'].map((service) => bed.issue(service)));
  });

  afterAll(async () => {
    await app?.close();
    await bed?.dispose();
  });

  it('takes mtlsServerOptions as its https option, exposes the caller, and follows rotations', async () => {
    const inventory = await bed.identity('inventory-service');
    const cart = await bed.identity('cart-service');
    app = fastify({ https: mtlsServerOptions(inventory) });
    app.get('/', (request) => ({ caller: peerSpiffeId(request.raw.socket) ?? null, callerSerial: null }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    attachRotation(app.server, inventory);
    const port = (app.server.address() as AddressInfo).port;

    const agent = mtlsAgent(cart, { expectedSpiffeId: inventoryId, keepAlive: false });
    try {
      const before = await echo(port, { agent });
      expect(before.body.caller).toBe(cartId);
      expect(before.serverSerial).toBe(inventory.current().serialNumber);

      const rotated = await bed.issue('inventory-service');
      await eventually(() => inventory.current().serialNumber === rotated.serialNumber);
      const after = await echo(port, { agent });
      expect(after.serverSerial).toBe(rotated.serialNumber);
      await expect(echo(port, { ca: bed.ca.certPem })).rejects.toThrow();
    } finally {
      agent.destroy();
    }
  });
});

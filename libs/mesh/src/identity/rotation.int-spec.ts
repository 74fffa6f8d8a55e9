import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdentityTestBed, type EchoResponse, echo, eventually, inventoryId } from './identity-test-bed';
import { type MtlsAgent, mtlsAgent } from './mtls-agent';
import { type WorkloadIdentity } from './workload-identity';

const totalRequests = 1_500;
const concurrency = 10;
const rotateAfterCompleted = [250, 550, 850];

interface Outcome {
  /** Order in which the request was started; rotations are placed on the same scale. */
  seq: number;
  viaFreshConnection: boolean;
  response?: EchoResponse;
  error?: unknown;
}

describe('certificate rotation under load', () => {
  let bed: IdentityTestBed;
  let server: WorkloadIdentity;
  let client: WorkloadIdentity;
  let port: number;
  let keepAlive: MtlsAgent;
  let fresh: MtlsAgent;

  beforeAll(async () => {
    bed = await IdentityTestBed.create();
    await bed.issue('inventory-service');
    await bed.issue('cart-service');
    server = await bed.identity('inventory-service');
    client = await bed.identity('cart-service');
    // A few milliseconds per request keeps the load running while certificates rotate.
    port = await bed.startEchoServer(server, 4);
    keepAlive = mtlsAgent(client, { expectedSpiffeId: inventoryId, maxSockets: concurrency });
    fresh = mtlsAgent(client, { expectedSpiffeId: inventoryId, keepAlive: false });
  });

  afterAll(async () => {
    keepAlive?.destroy();
    fresh?.destroy();
    await bed?.dispose();
  });

  it('re-issues both certificates 3 times during ~1,500 requests: none fails, later connections use the new certificates', async () => {
    let nextSeq = 0;
    const outcomes: Outcome[] = [];
    // generation g starts at the first request begun after both sides rotated to it
    const serverSerials = [server.current().serialNumber];
    const clientSerials = [client.current().serialNumber];
    const rotationSeq = { server: [0], client: [0] };
    server.onRotate((material) => {
      serverSerials.push(material.serialNumber);
      rotationSeq.server.push(nextSeq);
    });
    client.onRotate((material) => {
      clientSerials.push(material.serialNumber);
      rotationSeq.client.push(nextSeq);
    });

    const worker = async (): Promise<void> => {
      while (nextSeq < totalRequests) {
        const seq = nextSeq++;
        // Every third request opens a new connection; the rest share keep-alive connections.
        const viaFreshConnection = seq % 3 === 0;
        const outcome: Outcome = { seq, viaFreshConnection };
        outcomes.push(outcome);
        try {
          outcome.response = await echo(port, { agent: viaFreshConnection ? fresh : keepAlive });
        } catch (error) {
          outcome.error = error;
        }
      }
    };
    const load = Promise.all(Array.from({ length: concurrency }, worker));

    for (const [index, threshold] of rotateAfterCompleted.entries()) {
      const generation = index + 1;
      await eventually(() => completed(outcomes) >= threshold, 30_000);
      expect(nextSeq, 'the load must still be running when certificates rotate').toBeLessThan(totalRequests);
      const [nextServer, nextClient] = await Promise.all([bed.issue('inventory-service'), bed.issue('cart-service')]);
      await eventually(() => server.current().serialNumber === nextServer.serialNumber && client.current().serialNumber === nextClient.serialNumber);
      expect(serverSerials[generation]).toBe(nextServer.serialNumber);
      expect(clientSerials[generation]).toBe(nextClient.serialNumber);
    }
    await load;

    expect(outcomes).toHaveLength(totalRequests);
    const failures = outcomes.filter((outcome) => outcome.error !== undefined || outcome.response?.status !== 200);
    expect(failures.map((failure) => String(failure.error ?? failure.response?.status))).toEqual([]);

    for (let generation = 0; generation <= rotateAfterCompleted.length; generation++) {
      const from = Math.max(rotationSeq.server[generation] ?? Infinity, rotationSeq.client[generation] ?? Infinity);
      const until = Math.min(rotationSeq.server[generation + 1] ?? Infinity, rotationSeq.client[generation + 1] ?? Infinity);
      const inGeneration = outcomes.filter((outcome) => outcome.seq >= from && outcome.seq < until);
      expect(inGeneration.length, `requests begun in generation ${generation}`).toBeGreaterThan(20);
      // The server saw the client's certificate of this generation on every request, new or reused connection.
      expect(new Set(inGeneration.map((outcome) => outcome.response?.body.callerSerial))).toEqual(new Set([clientSerials[generation]]));
      // Every connection opened in this generation (full handshake, not a reused socket) saw the
      // server's certificate of this generation, or a newer one when its handshake ran after the
      // next rotation. Reused sockets are exempt: they may predate the server's rotation.
      const handshakes = inGeneration.filter((outcome) => outcome.response?.reusedSocket === false && outcome.response.serverSerial !== undefined);
      const serverGenerations = handshakes.map((outcome) => serverSerials.indexOf(outcome.response?.serverSerial ?? ''));
      expect(handshakes.some((outcome) => outcome.viaFreshConnection)).toBe(true);
      expect(Math.min(...serverGenerations), `oldest server certificate seen by a new connection in generation ${generation}`).toBe(generation);
    }
  });
});

function completed(outcomes: readonly Outcome[]): number {
  return outcomes.filter((outcome) => outcome.response !== undefined || outcome.error !== undefined).length;
}

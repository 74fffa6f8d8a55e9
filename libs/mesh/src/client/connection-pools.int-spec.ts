import type { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamConnectFailure } from '../errors/mesh-error';
import { IdentityTestBed, type EchoBody, eventually, inventoryId } from '../identity/identity-test-bed';
import { MtlsConnector } from '../identity/mtls-connector';
import { type WorkloadIdentity } from '../identity/workload-identity';
import { ConnectionPools } from './connection-pools';
import { sendHttp } from './http-transport';

describe('connection pools over real mTLS', () => {
  let bed: IdentityTestBed;
  let client: WorkloadIdentity;
  let origin: string;

  beforeAll(async () => {
    bed = await IdentityTestBed.create();
    await bed.issue('inventory-service');
    await bed.issue('cart-service');
    const port = await bed.startEchoServer(await bed.identity('inventory-service'));
    client = await bed.identity('cart-service');
    origin = `https://127.0.0.1:${port}`;
  });

  afterAll(() => bed?.dispose());

  const get = async (pools: ConnectionPools, headers: Record<string, string> = {}) => {
    const answer = await sendHttp(
      { origin, dispatcher: pools.dispatcherFor(origin) },
      { method: 'GET', path: '/', headers, body: undefined, signal: new AbortController().signal },
    );
    return { status: answer.status, body: JSON.parse(answer.body.toString('utf8')) as EchoBody };
  };

  it('presents the workload certificate, reuses the pool, and after a rotation connects with the new certificate', async () => {
    const pools = new ConnectionPools(new MtlsConnector(client, inventoryId));
    try {
      const first = await get(pools);
      expect(first).toMatchObject({
        status: 200,
        body: { caller: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service', callerSerial: client.current().serialNumber },
      });
      const pool = pools.dispatcherFor(origin);
      expect(pools.isCurrent(origin, pool)).toBe(true);

      const before = client.current().serialNumber;
      await bed.issue('cart-service');
      await eventually(() => client.current().serialNumber !== before);
      expect(pools.isCurrent(origin, pool)).toBe(false);
      const after = await get(pools);
      expect(after.body.callerSerial).toBe(client.current().serialNumber);
      expect(after.body.callerSerial).not.toBe(before);
    } finally {
      await pools.close();
    }
  });

  it('refuses a server that presents another workload, as a connection failure', async () => {
    const pools = new ConnectionPools(new MtlsConnector(client, 'spiffe://meshmart.local/ns/meshmart/sa/payment-service'));
    try {
      const failure = await get(pools).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamConnectFailure);
      expect(String((failure as Error).message)).toMatch(
        /presented spiffe:\/\/meshmart\.local\/ns\/meshmart\/sa\/inventory-service, expected .*payment-service/,
      );
    } finally {
      await pools.close();
    }
  });

  it('drops hop-by-hop headers a caller passes instead of failing the call', async () => {
    const pools = new ConnectionPools(new MtlsConnector(client, inventoryId));
    try {
      expect((await get(pools, { connection: 'keep-alive', 'transfer-encoding': 'chunked', 'content-length': '5', accept: 'application/json' })).status).toBe(
        200,
      );
    } finally {
      await pools.close();
    }
  });

  it('closes the pools of origins that left discovery, and makes a new one when one comes back', async () => {
    const pools = new ConnectionPools(new MtlsConnector(client, inventoryId));
    try {
      await get(pools);
      const pool = pools.dispatcherFor(origin) as Pool;
      pools.retainOnly(new Set());
      expect(pools.isCurrent(origin, pool)).toBe(false);
      await eventually(() => pool.closed);
      expect((await get(pools)).status).toBe(200);
      expect(pools.dispatcherFor(origin)).not.toBe(pool);
    } finally {
      await pools.close();
    }
  });
});

import { type Dispatcher, Pool } from 'undici';
import { type MtlsConnector } from '../identity/mtls-connector';
import { resilienceDefaults } from '../resilience/resilience-defaults';

/**
 * Keep-alive connection pools, one per upstream origin (an instance's `https://host:port`, or
 * the sidecar's plain origin), on undici: Node's fastest HTTP/1.1 client, a third of the CPU of
 * `https.request` with an `Agent` per call. Over mTLS every connection is opened by the
 * workload's {@link MtlsConnector}; after a certificate rotation the next call to an origin
 * gets a new pool that handshakes with the new certificate, and the old pool closes once its
 * requests in flight have their answers.
 */
export class ConnectionPools {
  private readonly pools = new Map<string, { pool: Pool; fingerprint: string | undefined }>();
  private closed = false;

  /** `connector` is absent for plain HTTP (a sidecar, or the gateway's own plain upstreams). */
  constructor(
    private readonly connector: MtlsConnector | undefined,
    /** Connections one caller keeps to one instance at most: `resilienceDefaults.connections.perInstance` (see why there). */
    private readonly connectionsPerOrigin: number = resilienceDefaults.connections.perInstance,
  ) {}

  /** The pool of one origin, made on first use; replaced once the workload's certificate rotated. */
  dispatcherFor(origin: string): Dispatcher {
    if (this.closed) throw new Error('connection pools are closed');
    const fingerprint = this.connector?.fingerprint();
    const existing = this.pools.get(origin);
    if (existing && existing.fingerprint === fingerprint) return existing.pool;
    if (existing) void existing.pool.close();
    const pool = this.connector ? mtlsPool(origin, this.connector, this.connectionsPerOrigin) : new Pool(origin, { connections: this.connectionsPerOrigin });
    this.pools.set(origin, { pool, fingerprint });
    return pool;
  }

  /** Whether `dispatcher` is still the pool of `origin` (not retired by a rotation or by discovery). */
  isCurrent(origin: string, dispatcher: Dispatcher): boolean {
    const entry = this.pools.get(origin);
    return entry?.pool === dispatcher && entry.fingerprint === this.connector?.fingerprint();
  }

  /** Closes the pools of origins no longer in discovery (after their requests in flight). */
  retainOnly(origins: ReadonlySet<string>): void {
    for (const [origin, { pool }] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      void pool.close();
    }
  }

  /** Cuts every connection: for shutdown, when nobody waits for answers any more. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.allSettled(pools.map(({ pool }) => pool.destroy()));
  }
}

function mtlsPool(origin: string, connector: MtlsConnector, connections: number | null): Pool {
  return new Pool(origin, {
    connections,
    connect: (options, callback) => {
      connector.connect(options.hostname, Number(options.port), (error, socket) =>
        socket ? callback(null, socket) : callback(error ?? new Error('mTLS connection failed'), null),
      );
    },
  });
}

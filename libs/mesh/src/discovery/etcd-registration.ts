import { type Etcd3, EtcdLeaseInvalidError, type Lease } from 'etcd3';
import { type DiscoveryErrorHandler, LeaseLost, RegistrationFailed, RegistryClosed } from './discovery-errors';
import { retryUntilDone } from '../resilience/retry-until-done';
import { type Registration } from './registry';
import { type ServiceInstance } from './service-instance';

export interface EtcdRegistrationOptions {
  client: Etcd3;
  /** The instance's key, `<prefix><service>/<id>`. */
  key: string;
  leaseTtlSeconds: number;
  onError: DiscoveryErrorHandler;
  /** Told once the registration is gone, so the registry forgets it. */
  onDeregistered: (registration: EtcdRegistration) => void;
}

// Re-registration back-off: quick first tries (a revoked lease is back within a keep-alive),
// then no faster than every few seconds while etcd is away.
const firstRetryDelayMs = 100;
const maxRetryDelayMs = 5_000;

/**
 * One instance's key in etcd, held by a lease that etcd3 keeps alive. If the lease is lost
 * (etcd restarted, lease expired during a long pause, revoked by an operator) the instance is
 * written again under a new lease until it succeeds or the registration ends, so a live
 * process never stays invisible. Writes are serialized so the last update always wins.
 */
export class EtcdRegistration implements Registration {
  private current: ServiceInstance;
  private lease: Lease | undefined;
  private starting: Promise<void> | undefined;
  private recovering: Promise<void> | undefined;
  private writes: Promise<void> = Promise.resolve();
  private stopped = false;
  private deregistering: Promise<void> | undefined;
  private readonly stopRetries = new AbortController();

  constructor(
    instance: ServiceInstance,
    private readonly options: EtcdRegistrationOptions,
  ) {
    this.current = Object.freeze({ ...instance });
  }

  get instance(): ServiceInstance {
    return this.current;
  }

  /** The first write; rejects with RegistrationFailed if etcd does not take it. */
  start(): Promise<void> {
    this.starting ??= (async () => {
      let lease: Lease;
      try {
        lease = await this.writeUnderNewLease();
      } catch (error) {
        throw new RegistrationFailed(`registering ${this.options.key} in etcd failed`, { cause: error });
      }
      if (this.stopped) await discard(lease);
      else this.lease = lease;
    })();
    return this.starting;
  }

  async update(patch: Partial<Pick<ServiceInstance, 'healthy' | 'weight'>>): Promise<void> {
    if (this.stopped) throw new RegistryClosed(`${this.options.key} is deregistered`);
    this.current = Object.freeze({ ...this.current, ...patch });
    const write = this.writes.then(async () => {
      // Without a lease a re-registration is under way, and it writes the newest instance.
      const lease = this.lease;
      if (!lease || this.stopped) return;
      await lease.put(this.options.key).value(JSON.stringify(this.current)).exec();
    });
    this.writes = write.catch(() => undefined);
    try {
      await write;
    } catch (error) {
      // A lost lease starts a re-registration, which writes this update too.
      if (error instanceof EtcdLeaseInvalidError) return;
      throw new RegistrationFailed(`updating ${this.options.key} in etcd failed`, { cause: error });
    }
  }

  /** Revokes the lease, so the key disappears at once. Never rejects: if etcd is unreachable the key expires with its lease. */
  deregister(): Promise<void> {
    this.stopped = true;
    this.stopRetries.abort();
    this.deregistering ??= this.revoke();
    return this.deregistering;
  }

  private async revoke(): Promise<void> {
    await Promise.allSettled([this.starting, this.recovering, this.writes]);
    const lease = this.lease;
    this.lease = undefined;
    try {
      if (lease) await lease.revoke();
    } catch (error) {
      this.options.onError(new RegistrationFailed(`revoking the lease of ${this.options.key} failed; it expires by itself`, { cause: error }));
    } finally {
      this.options.onDeregistered(this);
    }
  }

  /** Grants a lease, writes the newest instance under it, and rewrites if an update came meanwhile. */
  private async writeUnderNewLease(): Promise<Lease> {
    const lease = this.options.client.lease(this.options.leaseTtlSeconds);
    lease.on('lost', (error) => this.onLeaseLost(lease, error));
    try {
      let written: ServiceInstance;
      do {
        written = this.current;
        await lease.put(this.options.key).value(JSON.stringify(written)).exec();
      } while (written !== this.current && !this.stopped);
      return lease;
    } catch (error) {
      void discard(lease);
      throw error;
    }
  }

  private onLeaseLost(lease: Lease, error: unknown): void {
    if (lease !== this.lease || this.stopped) return;
    this.lease = undefined;
    this.options.onError(new LeaseLost(`lease of ${this.options.key} lost; registering again`, { cause: error }));
    this.recovering = this.registerAgain().finally(() => {
      this.recovering = undefined;
    });
  }

  private async registerAgain(): Promise<void> {
    try {
      const lease = await retryUntilDone(() => this.writeUnderNewLease(), {
        initialMs: firstRetryDelayMs,
        maxMs: maxRetryDelayMs,
        reportEveryMs: 0,
        signal: this.stopRetries.signal,
        onWaiting: ({ attempts, error }) =>
          this.options.onError(new RegistrationFailed(`registering ${this.options.key} again failed (attempt ${attempts})`, { cause: error })),
      });
      if (this.stopped) await discard(lease);
      else this.lease = lease;
    } catch {
      // Only a deregistration ends the loop early (its abort); nothing is left to do.
    }
  }
}

/** Revokes a lease we no longer want; failure is harmless, as it then expires. */
function discard(lease: Lease): Promise<void> {
  return lease.revoke().catch(() => undefined);
}

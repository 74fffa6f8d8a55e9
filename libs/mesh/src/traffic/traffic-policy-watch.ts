import { setTimeout as sleep } from 'node:timers/promises';
import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { trafficKeyOf, trafficKeys } from './traffic-keys';

/** One traffic key changed: its new value (undefined once deleted or expired) at etcd revision `version`. */
export interface TrafficKeyChange {
  kind: 'policy' | 'fault';
  service: string;
  value: string | undefined;
  version: string;
}

export interface TrafficPolicyWatchOptions {
  client: Etcd3;
  namespace: string;
  onChange: (change: TrafficKeyChange) => void;
  /** Failures of the watch itself (it keeps trying); default a process warning. */
  onError?: (error: unknown) => void;
}

interface Row {
  revision: bigint;
  value: string | undefined;
}

/**
 * Follows a namespace's traffic policies and injected faults in etcd: a read of each prefix,
 * then a watch from the revision after it, so no change falls between them. After a reconnect
 * or a cancelled watch the prefix is read again; each key keeps the revision it last changed at,
 * so a late read never undoes a newer event, and a listener hears each change once.
 */
export class TrafficPolicyWatch {
  private readonly rows = new Map<string, Row>();
  private readonly watchers: Watcher[] = [];
  private stopped = false;
  private readonly stopRetries = new AbortController();

  private constructor(private readonly options: TrafficPolicyWatchOptions) {}

  /** Resolves once both prefixes are read and watched, so current policies are known at once. */
  static async start(options: TrafficPolicyWatchOptions): Promise<TrafficPolicyWatch> {
    const watch = new TrafficPolicyWatch(options);
    try {
      await Promise.all([trafficKeys.policyPrefix(options.namespace), trafficKeys.faultPrefix(options.namespace)].map((prefix) => watch.follow(prefix)));
    } catch (error) {
      await watch.close();
      throw error;
    }
    return watch;
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopRetries.abort();
    await Promise.allSettled(this.watchers.splice(0).map((watcher) => watcher.cancel()));
  }

  private async follow(prefix: string): Promise<void> {
    const revision = await this.read(prefix);
    await this.watchFrom(prefix, revision);
  }

  /** Reads a prefix and applies it as a snapshot; returns the revision it was read at. */
  private async read(prefix: string): Promise<bigint> {
    const response = await this.options.client.getAll().prefix(prefix).exec();
    const revision = BigInt(response.header.revision);
    const present = new Set<string>();
    for (const kv of response.kvs) {
      present.add(kv.key.toString());
      this.apply(kv.key.toString(), BigInt(kv.mod_revision), kv.value.toString());
    }
    // Gone at the read's revision and not changed since: deleted (or expired) while unwatched.
    for (const [key, row] of this.rows) {
      if (key.startsWith(prefix) && !present.has(key) && row.value !== undefined && row.revision <= revision) this.apply(key, revision, undefined);
    }
    return revision;
  }

  private watchFrom(prefix: string, afterRevision: bigint): Promise<void> {
    const watcher = this.options.client
      .watch()
      .prefix(prefix)
      .startRevision(String(afterRevision + 1n))
      .watcher();
    this.watchers.push(watcher);
    return new Promise<void>((resolve, reject) => {
      let established = false;
      let disconnected = false;
      watcher.on('put', (kv: IKeyValue) => this.apply(kv.key.toString(), BigInt(kv.mod_revision), kv.value.toString()));
      watcher.on('delete', (kv: IKeyValue) => this.apply(kv.key.toString(), BigInt(kv.mod_revision), undefined));
      watcher.on('disconnected', () => {
        disconnected = true;
      });
      watcher.on('connected', () => {
        if (!established) {
          established = true;
          resolve();
        } else if (disconnected) {
          disconnected = false;
          void this.read(prefix).catch((error: unknown) => this.report(error));
        }
      });
      watcher.on('error', (error) => {
        this.forget(watcher);
        if (!established) reject(error);
        else if (!this.stopped) {
          this.report(error);
          void this.restart(prefix);
        }
      });
    });
  }

  private async restart(prefix: string): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await this.follow(prefix);
        return;
      } catch (error) {
        this.report(error);
        await sleep(Math.min(5_000, 100 * 2 ** attempt), undefined, { signal: this.stopRetries.signal }).catch(() => undefined);
      }
    }
  }

  private apply(key: string, revision: bigint, value: string | undefined): void {
    const known = this.rows.get(key);
    if (known && known.revision >= revision) return;
    this.rows.set(key, { revision, value });
    const target = trafficKeyOf(this.options.namespace, key);
    if (!target || this.stopped) return;
    try {
      this.options.onChange({ ...target, value, version: String(revision) });
    } catch (error) {
      this.report(error);
    }
  }

  private forget(watcher: Watcher): void {
    const index = this.watchers.indexOf(watcher);
    if (index >= 0) this.watchers.splice(index, 1);
  }

  private report(error: unknown): void {
    (this.options.onError ?? ((failure: unknown) => process.emitWarning(`traffic policy watch: ${String(failure)}`)))(error);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { type Etcd3, type IKeyValue, type IWatchResponse, type Watcher } from 'etcd3';
import { DiscoveryFailed, type DiscoveryErrorHandler, RegistryClosed } from './discovery-errors';
import { type EtcdEntry, EtcdInstanceTable } from './etcd-instance-table';
import { LocalServiceView } from './local-service-view';

export interface EtcdServiceWatchOptions {
  client: Etcd3;
  /** The service's key prefix, `<prefix><service>/`. */
  keyPrefix: string;
  service: string;
  onError: DiscoveryErrorHandler;
  /** Told once the view is closed, so the registry forgets it. */
  onClosed: (watch: EtcdServiceWatch) => void;
}

const firstRetryDelayMs = 100;
const maxRetryDelayMs = 5_000;

/**
 * Keeps one LocalServiceView equal to the keys under a service's prefix: a range read, then a
 * watch from the next revision (no gap between them). After the watch stream reconnects the
 * prefix is read again, and if etcd cancels the watch (e.g. its revision was compacted) the
 * read and the watch start over; EtcdInstanceTable makes reads and events commute.
 */
export class EtcdServiceWatch {
  readonly view: LocalServiceView;
  private readonly table: EtcdInstanceTable;
  private watcher: Watcher | undefined;
  private stopped = false;
  private readonly stopRetries = new AbortController();

  constructor(private readonly options: EtcdServiceWatchOptions) {
    this.table = new EtcdInstanceTable(options.service);
    this.view = new LocalServiceView(options.service, { onClose: () => this.stop(), onListenerError: options.onError });
  }

  /** The first read and the watch; rejects with DiscoveryFailed if etcd cannot be read. */
  async start(): Promise<void> {
    const revision = await this.readAll();
    await this.openWatcher(revision);
  }

  private async stop(): Promise<void> {
    this.stopped = true;
    this.stopRetries.abort();
    const watcher = this.watcher;
    this.watcher = undefined;
    try {
      await watcher?.cancel();
    } catch (error) {
      this.options.onError(new DiscoveryFailed(`cancelling the watch of ${this.options.keyPrefix} failed`, { cause: error }));
    } finally {
      this.options.onClosed(this);
    }
  }

  /** Reads every key of the service; returns the revision the read saw. */
  private async readAll(): Promise<bigint> {
    this.table.beginSnapshot();
    let response;
    try {
      response = await this.options.client.getAll().prefix(this.options.keyPrefix).exec();
    } catch (error) {
      this.table.abandonSnapshot();
      throw new DiscoveryFailed(`reading ${this.options.keyPrefix} from etcd failed`, { cause: error });
    }
    this.table.applySnapshot(response.header.revision, response.kvs.map(toEntry));
    this.view.publish(this.table.instances());
    return BigInt(response.header.revision);
  }

  /**
   * Watches from the revision after `afterRevision`. Listeners go on before the watcher can
   * connect (etcd3's `watcher()`, not `create()`), so no event can slip in unheard.
   */
  private openWatcher(afterRevision: bigint): Promise<void> {
    const { client, keyPrefix, onError } = this.options;
    if (this.stopped) return Promise.reject(new RegistryClosed(`the view of ${keyPrefix} was closed`));
    const watcher = client
      .watch()
      .prefix(keyPrefix)
      .startRevision(String(afterRevision + 1n))
      .watcher();
    this.watcher = watcher;
    return new Promise<void>((resolve, reject) => {
      let established = false;
      let disconnected = false;
      const stopped = () => reject(new RegistryClosed(`the view of ${keyPrefix} was closed`));
      this.stopRetries.signal.addEventListener('abort', stopped, { once: true });
      watcher.on('data', (response) => this.applyEvents(response));
      watcher.on('disconnected', () => {
        disconnected = true;
      });
      watcher.on('connected', () => {
        if (!established) {
          established = true;
          disconnected = false;
          this.stopRetries.signal.removeEventListener('abort', stopped);
          resolve();
        } else if (disconnected) {
          disconnected = false;
          // etcd3 resumes from the last revision it saw; the read catches anything it could not.
          void this.readAll().catch(onError);
        }
      });
      // etcd cancelled the watch (e.g. its start revision was compacted): read and watch anew.
      watcher.on('error', (error) => {
        if (this.watcher === watcher) this.watcher = undefined;
        if (!established) {
          this.stopRetries.signal.removeEventListener('abort', stopped);
          reject(new DiscoveryFailed(`watching ${keyPrefix} in etcd failed`, { cause: error }));
        } else if (!this.stopped) {
          onError(new DiscoveryFailed(`etcd cancelled the watch of ${keyPrefix}; watching again`, { cause: error }));
          void this.restart();
        }
      });
    });
  }

  private applyEvents(response: IWatchResponse): void {
    for (const event of response.events) {
      if (event.type === 'Put') this.table.applyPut(toEntry(event.kv));
      else this.table.applyDelete(event.kv.key.toString(), event.kv.mod_revision);
    }
    if (response.events.length > 0) this.view.publish(this.table.instances());
  }

  /** Read and watch again, until it works or the view is closed. */
  private async restart(): Promise<void> {
    for (let attempt = 0; !this.stopped; attempt += 1) {
      try {
        await this.openWatcher(await this.readAll());
        return;
      } catch (error) {
        if (this.stopped) return;
        this.options.onError(error);
        const delayMs = Math.min(maxRetryDelayMs, firstRetryDelayMs * 2 ** attempt);
        await sleep(delayMs, undefined, { signal: this.stopRetries.signal }).catch(() => undefined);
      }
    }
  }
}

function toEntry(kv: IKeyValue): EtcdEntry {
  return { key: kv.key.toString(), modRevision: kv.mod_revision, value: kv.value.toString() };
}

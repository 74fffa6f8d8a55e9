import { readFile, rename, writeFile } from 'node:fs/promises';
import { Etcd3, type Watcher } from 'etcd3';
import { targetGroupsOf } from './target-groups';

export interface PrometheusTargetsWriterOptions {
  /** etcd client URLs of the registry. */
  etcdEndpoints: string[];
  /** The file-SD file Prometheus reads, e.g. `.meshmart/prometheus-sd/meshmart.json`. */
  file: string;
  /** Where the registry lives; default `meshmart/` (every namespace). */
  prefix?: string;
  /** A full re-read this often, besides the watch; default 30 s. */
  resyncMs?: number;
  /** One line whenever the set of targets changes, and on trouble. */
  log?: (line: string) => void;
}

/**
 * Keeps a Prometheus file service discovery file equal to the registry: a watch on etcd says
 * when something changed, and each change (debounced) re-reads the whole prefix and rewrites
 * the file atomically (a rename, so Prometheus never reads half a file). The read, not the
 * event, is the truth, so a missed or reordered event cannot leave a stale target behind; a
 * periodic re-read covers a watch that broke. A killed instance's target goes when its lease
 * expires and its key is deleted.
 *
 * @example
 * const writer = await PrometheusTargetsWriter.start({ etcdEndpoints: ['http://127.0.0.1:12379'], file: 'targets/meshmart.json' });
 * process.once('SIGTERM', () => void writer.stop());
 */
export class PrometheusTargetsWriter {
  private readonly client: Etcd3;
  private readonly prefix: string;
  private readonly log: (line: string) => void;
  private watcher: Watcher | undefined;
  private resync: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private written: string | undefined;

  private constructor(private readonly options: PrometheusTargetsWriterOptions) {
    this.client = new Etcd3({ hosts: options.etcdEndpoints });
    this.prefix = options.prefix ?? 'meshmart/';
    this.log = options.log ?? (() => undefined);
  }

  /** Writes the file once from the registry, then keeps it current. */
  static async start(options: PrometheusTargetsWriterOptions): Promise<PrometheusTargetsWriter> {
    const writer = new PrometheusTargetsWriter(options);
    writer.written = await readFile(options.file, 'utf8').catch(() => undefined);
    await writer.sync();
    writer.watcher = await writer.client.watch().prefix(writer.prefix).create();
    writer.watcher.on('data', () => writer.schedule());
    // After a reconnect the watch resumes, but a re-read costs little and settles any doubt.
    writer.watcher.on('connected', () => writer.schedule());
    writer.watcher.on('error', (error: unknown) => writer.log(`registry watch failed, retrying: ${String(error)}`));
    writer.resync = setInterval(() => writer.schedule(), options.resyncMs ?? 30_000);
    return writer;
  }

  async stop(): Promise<void> {
    clearInterval(this.resync);
    clearTimeout(this.debounce);
    await this.watcher?.cancel();
    await this.writing;
    this.client.close();
  }

  private schedule(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.writing = this.writing.then(() => this.sync()).catch((error: unknown) => this.log(`could not refresh the targets, retrying: ${String(error)}`));
    }, 100);
  }

  private async sync(): Promise<void> {
    const entries = await this.client.getAll().prefix(this.prefix).strings();
    const groups = targetGroupsOf(entries);
    const text = `${JSON.stringify(groups, null, 2)}\n`;
    if (text === this.written) return;
    const temporary = `${this.options.file}.tmp`;
    await writeFile(temporary, text);
    await rename(temporary, this.options.file);
    this.written = text;
    this.log(`${groups.length} target(s): ${groups.map((group) => `${group.labels['namespace']}/${group.labels['instance_id']}`).join(', ') || 'none'}`);
  }
}

import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { type IdentityFiles, type IdentityMaterial, readIdentityMaterial } from './identity-material';

export interface WorkloadIdentityOptions extends IdentityFiles {
  /** Watch the files' folders with `fs.watch` for prompt reloads; default true. */
  watch?: boolean;
  /**
   * Interval of the polling fallback, which also catches what `fs.watch` misses (network
   * file systems, Kubernetes secret volumes swapping symlinks); default 1000 ms, 0 turns it off.
   */
  pollIntervalMs?: number;
  /** Wait after a change event before reading, so a writer can finish the pair; default 25 ms. */
  settleMs?: number;
  /** How long a reload that found an inconsistent pair keeps retrying at `settleMs` pace; default 2000 ms. */
  retryForMs?: number;
  /** How many reads the first load tries before failing; default 40 (25 ms apart). */
  initialAttempts?: number;
  /** Told about reloads that failed (the previous material stays) and listeners that threw; default: ignored. */
  onError?: (error: unknown) => void;
}

/** Called with the new material after a rotation. */
export type RotationListener = (material: IdentityMaterial) => void;

/** What the mTLS server and agent need of an identity; `WorkloadIdentity` is the real one. */
export interface IdentitySource {
  current(): IdentityMaterial;
  onRotate(listener: RotationListener): () => void;
}

/**
 * A workload's certificate, key and CA, kept current from disk. Certificates are short-lived,
 * so they are replaced on disk (by `meshmart certs`, an init job or a secret volume) while the
 * service runs; this picks the new pair up without a restart and tells the TLS server and
 * agent. An inconsistent read (half-way rotation) never replaces good material.
 *
 * @example
 * const identity = await WorkloadIdentity.load(workloadFiles('.meshmart/certs', 'cart-service'));
 * identity.onRotate(({ serialNumber }) => log.info({ serialNumber }, 'certificate rotated'));
 */
export class WorkloadIdentity implements IdentitySource {
  private material: IdentityMaterial;
  private readonly listeners = new Set<RotationListener>();
  private readonly watchers: FSWatcher[] = [];
  private pollTimer: NodeJS.Timeout | undefined;
  private settleTimer: NodeJS.Timeout | undefined;
  private loadedSignature = '';
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
  private retryUntil = 0;
  private closed = false;

  private constructor(
    private readonly options: Required<Omit<WorkloadIdentityOptions, keyof IdentityFiles>> & IdentityFiles,
    initial: IdentityMaterial,
    signature: string,
  ) {
    this.material = initial;
    this.loadedSignature = signature;
  }

  /**
   * Reads the identity (retrying briefly if a rotation is half-way) and starts watching.
   *
   * @throws IdentityMaterialUnusable if no consistent identity could be read.
   */
  static async load(options: WorkloadIdentityOptions): Promise<WorkloadIdentity> {
    const settings = {
      caFile: options.caFile,
      certFile: options.certFile,
      keyFile: options.keyFile,
      watch: options.watch ?? true,
      pollIntervalMs: options.pollIntervalMs ?? 1_000,
      settleMs: options.settleMs ?? 25,
      retryForMs: options.retryForMs ?? 2_000,
      initialAttempts: options.initialAttempts ?? 40,
      onError: options.onError ?? (() => undefined),
    };
    const signature = await filesSignature(settings);
    const material = await readIdentityMaterial(settings, { attempts: settings.initialAttempts, retryDelayMs: 25 });
    const identity = new WorkloadIdentity(settings, material, signature);
    identity.startWatching();
    return identity;
  }

  /** The material to use now; a new object after each rotation. */
  current(): IdentityMaterial {
    return this.material;
  }

  /** The workload's SPIFFE ID (the same across rotations unless the files change identity). */
  get spiffeId(): string {
    return this.material.spiffeId;
  }

  /** Calls `listener` after every rotation; returns the function that unsubscribes it. */
  onRotate(listener: RotationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching and polling; `current()` keeps answering the last material. */
  close(): void {
    this.closed = true;
    for (const watcher of this.watchers.splice(0)) watcher.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.settleTimer);
    this.listeners.clear();
  }

  /** Reads the files now and rotates if they hold a new consistent identity. */
  async reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.reloadOnce().finally(() => {
      this.reloading = undefined;
      if (this.reloadAgain && !this.closed) {
        this.reloadAgain = false;
        this.scheduleReload();
      }
    });
    return this.reloading;
  }

  private startWatching(): void {
    const { pollIntervalMs } = this.options;
    if (pollIntervalMs > 0) {
      this.pollTimer = setInterval(() => void this.pollOnce(), pollIntervalMs);
      this.pollTimer.unref();
    }
    if (!this.options.watch) return;
    const namesByFolder = new Map<string, Set<string>>();
    for (const file of [this.options.caFile, this.options.certFile, this.options.keyFile]) {
      const names = namesByFolder.get(dirname(file)) ?? new Set<string>();
      namesByFolder.set(dirname(file), names.add(basename(file)));
    }
    for (const [folder, names] of namesByFolder) {
      try {
        // Folders, not files: an atomic rename replaces the inode a file watch would follow.
        const watcher = watch(folder, { persistent: false }, (_event, name) => {
          if (name === null || names.has(String(name))) {
            this.retryUntil = Date.now() + this.options.retryForMs;
            this.scheduleReload();
          }
        });
        watcher.on('error', (error) => this.options.onError(error));
        this.watchers.push(watcher);
      } catch (error) {
        // Polling still covers this folder.
        this.options.onError(error);
      }
    }
  }

  private scheduleReload(): void {
    if (this.closed) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => void this.reload(), this.options.settleMs);
    this.settleTimer.unref();
  }

  private async pollOnce(): Promise<void> {
    try {
      if ((await filesSignature(this.options)) !== this.loadedSignature) await this.reload();
    } catch (error) {
      this.options.onError(error);
    }
  }

  private async reloadOnce(): Promise<void> {
    let next: IdentityMaterial;
    let signature: string;
    try {
      signature = await filesSignature(this.options);
      next = await readIdentityMaterial(this.options);
    } catch (error) {
      if (this.closed) return;
      this.options.onError(error);
      // A half-way rotation: look again soon while the change is fresh; polling covers later.
      if (Date.now() < this.retryUntil) this.scheduleReload();
      return;
    }
    if (this.closed) return;
    this.loadedSignature = signature;
    if (sameMaterial(next, this.material)) return;
    this.material = next;
    for (const listener of [...this.listeners]) {
      try {
        listener(next);
      } catch (error) {
        this.options.onError(error);
      }
    }
  }
}

function sameMaterial(a: IdentityMaterial, b: IdentityMaterial): boolean {
  return a.fingerprint256 === b.fingerprint256 && a.key === b.key && a.ca === b.ca;
}

/** Cheap change detection for polling: inode, size and modification time of each file. */
async function filesSignature(files: IdentityFiles): Promise<string> {
  const stats = await Promise.all(
    [files.caFile, files.certFile, files.keyFile].map((file) =>
      stat(file, { bigint: true }).then(
        (s) => `${s.ino}:${s.size}:${s.mtimeNs}`,
        () => 'missing',
      ),
    ),
  );
  return stats.join('|');
}

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from './component';
import { DaemonComponent } from './daemon-component';
import { spawnDaemon } from './processes';

/**
 * `meshmart prometheus-sd` as a stack daemon: keeps `<state>/prometheus-sd/meshmart.json` equal
 * to the etcd registry, and Prometheus reads it by file service discovery — every instance that
 * registers, in any namespace, is scraped, and one whose lease ends is dropped. It also renews
 * Prometheus's scrape certificate in the stack's mesh CA folder at half its life, so a stack left
 * up for days keeps scraping.
 */
export class PrometheusSdComponent extends DaemonComponent {
  readonly name = 'prometheus-sd';
  readonly endpoint: string;

  constructor(
    ctx: ComponentContext,
    private readonly etcdEndpoint: string,
    private readonly meshCaDir: string,
  ) {
    super(ctx, 'prometheus-sd');
    this.endpoint = this.targetsFile;
  }

  get targetsFile(): string {
    return join(this.dir, 'meshmart.json');
  }

  protected checkInstalled(): void {
    // Runs on the same Node as this CLI: nothing to install.
  }

  protected ports(): [number, string][] {
    return [];
  }

  protected async start(): Promise<number> {
    mkdirSync(this.dir, { recursive: true });
    // A file left by an earlier run would pass the probe before this run has read the registry.
    rmSync(this.targetsFile, { force: true });
    const cli = join(this.ctx.settings.workspaceRoot, 'tools', 'meshmart', 'bin', 'meshmart.cjs');
    return spawnDaemon(this.daemon, process.execPath, [
      cli,
      'prometheus-sd',
      '--etcd',
      this.etcdEndpoint,
      '--out',
      this.targetsFile,
      '--renew-cert',
      this.meshCaDir,
    ]);
  }

  /** Ready once it has written the registry's targets (it waits for etcd first). */
  protected async probe(): Promise<void> {
    if (!existsSync(this.targetsFile)) throw new Error(`${this.targetsFile} not written yet`);
  }
}

import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext } from './component';
import { DaemonComponent } from './daemon-component';
import { spawnDaemon } from './processes';
import { requireTool } from './required-tool';

/**
 * Prometheus (Debian's `prometheus`) with the config from infra/prometheus, copied into the
 * state folder so that its file service discovery folder (`targets/`) lives there too.
 */
export class PrometheusComponent extends DaemonComponent {
  readonly name = 'prometheus';
  readonly endpoint: string;

  constructor(ctx: ComponentContext) {
    super(ctx, 'prometheus');
    this.endpoint = `http://127.0.0.1:${ctx.settings.ports.prometheus}`;
  }

  get fileSdDir(): string {
    return join(this.dir, 'targets');
  }

  protected checkInstalled(): void {
    requireTool('prometheus', ['--version'], 'apt-get install --no-install-recommends prometheus');
  }

  protected ports(): [number, string][] {
    return [[this.ctx.settings.ports.prometheus, 'MESHMART_PROMETHEUS_PORT']];
  }

  protected async start(): Promise<number> {
    mkdirSync(this.fileSdDir, { recursive: true });
    const config = join(this.dir, 'prometheus.yml');
    copyFileSync(join(this.ctx.settings.workspaceRoot, 'infra', 'prometheus', 'prometheus.yml'), config);
    return spawnDaemon(this.daemon, 'prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${this.ctx.settings.ports.prometheus}`,
      '--web.enable-lifecycle',
    ]);
  }

  protected async probe(): Promise<void> {
    const response = await fetch(`${this.endpoint}/-/ready`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`/-/ready answered ${response.status}`);
  }
}

import { copyFileSync, cpSync, mkdirSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { runCertsCommand } from '../certs/certs-command';
import type { ComponentContext, ComponentStatus } from './component';
import { DaemonComponent } from './daemon-component';
import { spawnDaemon } from './processes';
import { requireTool } from './required-tool';

/**
 * Prometheus (Debian's `prometheus`) with the config and rules from infra/prometheus, copied
 * into the state folder so that the relative paths in it resolve there: its file service
 * discovery (`targets/`, and the registry's targets in `../prometheus-sd/`) and its own
 * workload certificate (`../certs/prometheus/`), with which it scrapes every instance over mTLS.
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

  /** The stack's mesh CA (and Prometheus's certificate): the demo's and the tests' workloads are issued from it too. */
  get meshCaDir(): string {
    return join(this.ctx.settings.stateDir, 'certs');
  }

  /**
   * Every `up` (re)issues Prometheus's short-lived scrape certificate from the stack's mesh CA,
   * making the CA on first use; Prometheus re-reads the files at its next scrape.
   */
  override async up(): Promise<ComponentStatus> {
    const errors: string[] = [];
    const issued = await runCertsCommand(['--out', this.meshCaDir, '--services', 'prometheus', '--namespace', 'meshmart'], {
      info: () => undefined,
      error: (line) => errors.push(line),
    });
    if (issued !== 0) throw new Error(`could not issue Prometheus's scrape certificate: ${errors.join(' ')}`);
    return super.up();
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
    const source = join(this.ctx.settings.workspaceRoot, 'infra', 'prometheus');
    copyFileSync(join(source, 'prometheus.yml'), config);
    rmSync(join(this.dir, 'rules'), { recursive: true, force: true });
    cpSync(join(source, 'rules'), join(this.dir, 'rules'), { recursive: true, filter: (path) => !path.includes(`${sep}tests`) });
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

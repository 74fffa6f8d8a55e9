import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ComponentContext, ComponentStatus, StackComponent } from './component';
import { type Daemon, isPortOpen, runningPid, spawnDaemon, stopDaemon, waitUntilReady } from './processes';
import { requireTool } from './required-tool';

/**
 * Prometheus (Debian's `prometheus`) with the config from infra/prometheus, copied into the
 * state folder so that its file service discovery folder (`targets/`) lives there too.
 */
export class PrometheusComponent implements StackComponent {
  readonly name = 'prometheus';
  private readonly dir: string;
  private readonly daemon: Daemon;

  constructor(private readonly ctx: ComponentContext) {
    this.dir = join(ctx.settings.stateDir, 'prometheus');
    this.daemon = { pidFile: join(this.dir, 'prometheus.pid'), logFile: join(this.dir, 'prometheus.log') };
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.ctx.settings.ports.prometheus}`;
  }

  get fileSdDir(): string {
    return join(this.dir, 'targets');
  }

  async up(): Promise<ComponentStatus> {
    if (runningPid(this.daemon.pidFile)) {
      await this.probe();
      return { ...(await this.status()), alreadyRunning: true };
    }
    requireTool('prometheus', ['--version'], 'apt-get install --no-install-recommends prometheus');
    const port = this.ctx.settings.ports.prometheus;
    if (await isPortOpen(port)) throw new Error(`port ${port} is taken by another process: move Prometheus with MESHMART_PROMETHEUS_PORT`);
    mkdirSync(this.fileSdDir, { recursive: true });
    const config = join(this.dir, 'prometheus.yml');
    copyFileSync(join(this.ctx.settings.workspaceRoot, 'infra', 'prometheus', 'prometheus.yml'), config);
    const pid = spawnDaemon(this.daemon, 'prometheus', [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(this.dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
    ]);
    await waitUntilReady(() => this.probe(), { what: 'Prometheus', timeoutMs: 30_000, pid, logFile: this.daemon.logFile });
    return { ...(await this.status()), alreadyRunning: false };
  }

  async down(): Promise<void> {
    await stopDaemon(this.daemon);
  }

  async status(): Promise<ComponentStatus> {
    const pid = runningPid(this.daemon.pidFile);
    return pid ? { name: this.name, state: 'running', endpoint: this.endpoint, pid } : { name: this.name, state: 'stopped', endpoint: this.endpoint };
  }

  private async probe(): Promise<void> {
    const response = await fetch(`${this.endpoint}/-/ready`, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`/-/ready answered ${response.status}`);
  }
}

import { join } from 'node:path';
import type { ComponentContext, ComponentStatus, StackComponent } from './component';
import { type Daemon, isPortOpen, runningPid, stopDaemon, waitUntilReady } from './processes';

/**
 * What Kafka, etcd and Prometheus share: one background process with a pid file and a log in
 * `<state>/<name>/`, started only when not running, and ready only when `probe` passes.
 */
export abstract class DaemonComponent implements StackComponent {
  abstract readonly name: string;
  abstract readonly endpoint: string;
  protected readonly dir: string;
  protected readonly daemon: Daemon;
  /** How long a first start may take before it counts as failed. */
  protected readonly readyTimeoutMs: number = 30_000;
  /** How long a clean shutdown may take before SIGKILL. */
  protected readonly stopGraceMs: number = 20_000;

  constructor(
    protected readonly ctx: ComponentContext,
    folder: string,
  ) {
    this.dir = join(ctx.settings.stateDir, folder);
    this.daemon = { pidFile: join(this.dir, `${folder}.pid`), logFile: join(this.dir, `${folder}.log`), commandMarker: this.dir };
  }

  async up(): Promise<ComponentStatus> {
    if (runningPid(this.daemon.pidFile, this.daemon.commandMarker)) {
      await this.probe();
      return { ...(await this.status()), alreadyRunning: true };
    }
    this.checkInstalled();
    for (const [port, variable] of this.ports()) {
      if (await isPortOpen(port)) throw new Error(`port ${port} is taken by another process: move ${this.name} with ${variable}`);
    }
    const pid = await this.start();
    await waitUntilReady(() => this.probe(), { what: this.name, timeoutMs: this.readyTimeoutMs, intervalMs: 500, pid, logFile: this.daemon.logFile });
    return { ...(await this.status()), alreadyRunning: false };
  }

  async down(): Promise<void> {
    await stopDaemon(this.daemon, this.stopGraceMs);
  }

  async status(): Promise<ComponentStatus> {
    const pid = runningPid(this.daemon.pidFile, this.daemon.commandMarker);
    return pid ? { name: this.name, state: 'running', endpoint: this.endpoint, pid } : { name: this.name, state: 'stopped', endpoint: this.endpoint };
  }

  /** Throws MissingTool, naming the package to install, when the program is absent. */
  protected abstract checkInstalled(): void;
  /** The ports it will bind, each with the variable that moves it. */
  protected abstract ports(): [port: number, variable: string][];
  /** Spawns the daemon (see spawnDaemon) and returns its pid. */
  protected abstract start(): Promise<number>;
  /** Resolves only when the component does real work (not merely when a port is open). */
  protected abstract probe(): Promise<void>;
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import type { ComponentContext, ComponentStatus, StackComponent } from './component';
import { type Daemon, isPortOpen, runningPid, spawnDaemon, stopDaemon, waitUntilReady } from './processes';
import { requireTool } from './required-tool';

/** etcd, the registry of the local mesh: Debian's `etcd-server`, or any etcd on PATH. */
export class EtcdComponent implements StackComponent {
  readonly name = 'etcd';
  private readonly dir: string;
  private readonly daemon: Daemon;

  constructor(private readonly ctx: ComponentContext) {
    this.dir = join(ctx.settings.stateDir, 'etcd');
    this.daemon = { pidFile: join(this.dir, 'etcd.pid'), logFile: join(this.dir, 'etcd.log') };
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.ctx.settings.ports.etcd}`;
  }

  async up(): Promise<ComponentStatus> {
    if (runningPid(this.daemon.pidFile)) {
      await this.probe();
      return { ...(await this.status()), alreadyRunning: true };
    }
    requireTool('etcd', ['--version'], 'apt-get install etcd-server');
    const { etcd, etcdPeer } = this.ctx.settings.ports;
    for (const port of [etcd, etcdPeer]) {
      if (await isPortOpen(port)) throw new Error(`port ${port} is taken by another process: move etcd with MESHMART_ETCD_PORT / MESHMART_ETCD_PEER_PORT`);
    }
    mkdirSync(this.dir, { recursive: true });
    const peer = `http://127.0.0.1:${etcdPeer}`;
    const pid = spawnDaemon(this.daemon, 'etcd', [
      '--name', 'meshmart',
      '--data-dir', join(this.dir, 'data'),
      '--listen-client-urls', this.endpoint,
      '--advertise-client-urls', this.endpoint,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `meshmart=${peer}`,
      '--logger', 'zap',
      '--log-outputs', 'stderr',
    ]);
    await waitUntilReady(() => this.probe(), { what: 'etcd', timeoutMs: 30_000, pid, logFile: this.daemon.logFile });
    return { ...(await this.status()), alreadyRunning: false };
  }

  async down(): Promise<void> {
    await stopDaemon(this.daemon);
  }

  async status(): Promise<ComponentStatus> {
    const pid = runningPid(this.daemon.pidFile);
    return pid ? { name: this.name, state: 'running', endpoint: this.endpoint, pid } : { name: this.name, state: 'stopped', endpoint: this.endpoint };
  }

  /** Ready means a write and a read go through, not just an open port. */
  private async probe(): Promise<void> {
    const client = new Etcd3({ hosts: this.endpoint, dialTimeout: 2_000 });
    try {
      const key = 'meshmart/stack/ready';
      const value = String(Date.now());
      await client.put(key).value(value);
      const read = await client.get(key).string();
      if (read !== value) throw new Error(`etcd returned ${String(read)} for a key just written`);
    } finally {
      client.close();
    }
  }
}

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Etcd3 } from 'etcd3';
import type { ComponentContext } from './component';
import { DaemonComponent } from './daemon-component';
import { spawnDaemon } from './processes';
import { requireTool } from './required-tool';

/** etcd, the registry of the local mesh: Debian's `etcd-server`, or any etcd on PATH. */
export class EtcdComponent extends DaemonComponent {
  readonly name = 'etcd';
  readonly endpoint: string;

  constructor(ctx: ComponentContext) {
    super(ctx, 'etcd');
    this.endpoint = `http://127.0.0.1:${ctx.settings.ports.etcd}`;
  }

  protected checkInstalled(): void {
    requireTool('etcd', ['--version'], 'apt-get install etcd-server');
  }

  protected ports(): [number, string][] {
    return [
      [this.ctx.settings.ports.etcd, 'MESHMART_ETCD_PORT'],
      [this.ctx.settings.ports.etcdPeer, 'MESHMART_ETCD_PEER_PORT'],
    ];
  }

  protected async start(): Promise<number> {
    mkdirSync(this.dir, { recursive: true });
    const peer = `http://127.0.0.1:${this.ctx.settings.ports.etcdPeer}`;
    return spawnDaemon(this.daemon, 'etcd', [
      '--name',
      'meshmart',
      '--data-dir',
      join(this.dir, 'data'),
      '--listen-client-urls',
      this.endpoint,
      '--advertise-client-urls',
      this.endpoint,
      '--listen-peer-urls',
      peer,
      '--initial-advertise-peer-urls',
      peer,
      '--initial-cluster',
      `meshmart=${peer}`,
      '--logger',
      'zap',
      '--log-outputs',
      'stderr',
    ]);
  }

  /** Ready means a write and a read go through. */
  protected async probe(): Promise<void> {
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

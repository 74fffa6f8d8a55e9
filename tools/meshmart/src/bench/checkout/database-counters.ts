import { Client } from 'pg';

/** Transactions and (when pg_stat_statements is loaded) statements the server ran for some databases. */
export interface DatabaseCounts {
  transactions: number;
  /** `null` when pg_stat_statements is not in shared_preload_libraries: the server cannot count them. */
  statements: number | null;
}

/**
 * Reads Postgres's own counters for the bench's databases: `pg_stat_database` (commits and
 * rollbacks) and, where the server preloads it, `pg_stat_statements` (calls). The bench takes
 * the difference across a step; the statistics collector may lag a moment, so it is read after
 * the step's traffic has settled.
 */
export class DatabaseCounters {
  private constructor(
    private readonly client: Client,
    private readonly databases: readonly string[],
    private readonly statementsAvailable: boolean,
  ) {}

  static async open(adminUrl: string, databases: readonly string[]): Promise<DatabaseCounters> {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    const preload = await client.query<{ shared_preload_libraries: string }>('show shared_preload_libraries');
    const statementsAvailable = (preload.rows[0]?.shared_preload_libraries ?? '')
      .split(',')
      .map((s) => s.trim())
      .includes('pg_stat_statements');
    if (statementsAvailable) await client.query('create extension if not exists pg_stat_statements');
    return new DatabaseCounters(client, databases, statementsAvailable);
  }

  get countsStatements(): boolean {
    return this.statementsAvailable;
  }

  async read(): Promise<DatabaseCounts> {
    // Stats are cached per transaction in the reading backend: clear the snapshot first.
    await this.client.query('select pg_stat_clear_snapshot()');
    const xacts = await this.client.query<{ n: string | null }>(
      'select sum(xact_commit + xact_rollback)::text as n from pg_stat_database where datname = any($1)',
      [this.databases],
    );
    const statements = this.statementsAvailable
      ? await this.client.query<{ n: string | null }>(
          'select sum(calls)::text as n from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = any($1)',
          [this.databases],
        )
      : undefined;
    return { transactions: Number(xacts.rows[0]?.n ?? 0), statements: statements ? Number(statements.rows[0]?.n ?? 0) : null };
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

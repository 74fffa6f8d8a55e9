import { Client } from 'pg';

// A racing CREATE DATABASE fails with 42P04 if the other committed first, or with a unique
// violation on pg_database (23505) if both were in flight: either way the database exists.
const ALREADY_EXISTS = new Set(['42P04', '23505']);
const SAFE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates a database on the server at `adminUrl` unless it exists. Each service owns one
 * database; it is created on demand, so a fresh server needs no manual step.
 * @example await ensureDatabase('postgres://postgres@127.0.0.1:5432/postgres', 'meshmart_order')
 * @returns whether the database was created by this call
 */
export async function ensureDatabase(adminUrl: string, database: string): Promise<boolean> {
  if (!SAFE_NAME.test(database)) throw new Error(`invalid database name "${database}": use lower-case letters, digits and _`);
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return false;
    try {
      // Identifiers cannot be bound as parameters; the name was checked against SAFE_NAME.
      await client.query(`CREATE DATABASE "${database}"`);
      return true;
    } catch (error) {
      if (ALREADY_EXISTS.has((error as { code?: string }).code ?? '')) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}

/** Runs `SELECT 1` against a server: resolves when it answers, rejects otherwise. */
export async function pingPostgres(url: string, timeoutMs = 2_000): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  await client.connect();
  try {
    await client.query('SELECT 1');
  } finally {
    await client.end();
  }
}

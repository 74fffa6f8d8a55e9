import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StackEndpoints } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { ensureDatabase } from './ensure-database';

describe('ensureDatabase against a real Postgres', () => {
  let stack: StackEndpoints;
  const name = `meshmart_test_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    stack = await useStack();
  });

  afterAll(async () => {
    const admin = new Client({ connectionString: stack.postgres.url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
    await admin.end();
  });

  it('creates a database once; later and concurrent calls find it', async () => {
    expect(await ensureDatabase(stack.postgres.url, name)).toBe(true);
    expect(await ensureDatabase(stack.postgres.url, name)).toBe(false);
    const racing = await Promise.all([1, 2, 3].map(() => ensureDatabase(stack.postgres.url, name)));
    expect(racing).toEqual([false, false, false]);

    const admin = new Client({ connectionString: stack.postgres.url });
    await admin.connect();
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    await admin.end();
    expect(rowCount).toBe(1);
  });

  it('lets concurrent first-time creators all succeed', async () => {
    const fresh = `${name}_race`;
    try {
      const results = await Promise.all([1, 2, 3, 4].map(() => ensureDatabase(stack.postgres.url, fresh)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      const admin = new Client({ connectionString: stack.postgres.url });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${fresh}"`);
      await admin.end();
    }
  });
});

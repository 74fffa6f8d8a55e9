import { describe, expect, it } from 'vitest';
import { ensureDatabase } from './ensure-database';

describe('ensureDatabase', () => {
  it.each(['Orders', 'order-db', 'x"; DROP DATABASE postgres; --', '', '1st'])('refuses the name %j before connecting', async (name) => {
    // The URL points nowhere: a name check that let the call through would fail differently.
    await expect(ensureDatabase('postgres://nobody@127.0.0.1:1/postgres', name)).rejects.toThrow(/^invalid database name/);
  });
});

import { dropDatabases } from '@meshmart/platform';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openDataSource } from '@meshmart/persistence';
import { entities, migrations } from '../data';

/** A fresh, migrated inventory database on the stack's Postgres server, for one test file. */
export interface ThrowawayInventoryDatabase {
  name: string;
  db: DataSource;
  /** Units available of a product, as stored. */
  available(sku: string): Promise<number>;
  /** The events the outbox holds for an order, oldest first. */
  events(orderId: string): Promise<{ type: string; data: unknown }[]>;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A database name no other run uses: `meshmart_inventory_test_<hex>`. */
export function throwawayDatabaseName(): string {
  return `meshmart_inventory_test_${randomBytes(4).toString('hex')}`;
}

/**
 * Opens (creating and migrating) a database of its own for a test file.
 * @example const inventory = await openThrowawayInventoryDatabase((await useStack()).postgres.url);
 */
export async function openThrowawayInventoryDatabase(serverUrl: string, poolSize = 20): Promise<ThrowawayInventoryDatabase> {
  const name = throwawayDatabaseName();
  const db = await openDataSource({ url: serverUrl, database: name, entities, migrations, poolSize });
  return {
    name,
    db,
    async available(sku) {
      const [row] = (await db.query('SELECT available FROM products WHERE sku = $1', [sku])) as { available: number }[];
      if (!row) throw new Error(`no product ${sku}`);
      return row.available;
    },
    async events(orderId) {
      return (await db.query(`SELECT type, payload->'data' AS data FROM outbox WHERE key = $1 ORDER BY id`, [orderId])) as { type: string; data: unknown }[];
    },
    async drop() {
      await db.destroy();
      await dropDatabases(serverUrl, [name]);
    },
  };
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Products with their stock, and reservations. The database itself refuses an oversell
 * (`available >= 0`), a reservation status outside the three, and a release reason on
 * anything but a released reservation, whatever the code above it does.
 */
export class CreateInventory1795620632199 implements MigrationInterface {
  name = 'CreateInventory1795620632199';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE products (
        sku         text PRIMARY KEY CONSTRAINT products_sku_format CHECK (sku ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'),
        name        text NOT NULL CONSTRAINT products_name_length CHECK (length(name) BETWEEN 1 AND 200),
        price_minor integer NOT NULL CONSTRAINT products_price_not_negative CHECK (price_minor >= 0),
        currency    text NOT NULL CONSTRAINT products_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
        available   integer NOT NULL CONSTRAINT products_available_not_negative CHECK (available >= 0),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE reservations (
        order_id       uuid PRIMARY KEY,
        status         text NOT NULL CONSTRAINT reservations_status_known CHECK (status IN ('HELD', 'COMMITTED', 'RELEASED')),
        lines          jsonb NOT NULL CONSTRAINT reservations_lines_array CHECK (jsonb_typeof(lines) = 'array' AND jsonb_array_length(lines) > 0),
        expires_at     timestamptz NOT NULL,
        release_reason text CONSTRAINT reservations_release_reason_known CHECK (release_reason IN ('cancelled', 'expired')),
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reservations_reason_iff_released CHECK ((status = 'RELEASED') = (release_reason IS NOT NULL))
      )`);
    // The sweeper's question, "which holds ran out?", reads only live holds.
    await queryRunner.query(`CREATE INDEX reservations_held_by_expiry ON reservations (expires_at) WHERE status = 'HELD'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE reservations');
    await queryRunner.query('DROP TABLE products');
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Carts, one open per user; a checked-out cart keeps the key and the order it became. */
export class CreateCarts1764300000000 implements MigrationInterface {
  name = 'CreateCarts1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE carts (
        id            uuid PRIMARY KEY,
        user_id       text NOT NULL,
        status        text NOT NULL CHECK (status IN ('OPEN','CHECKED_OUT')),
        lines         jsonb NOT NULL DEFAULT '[]',
        checkout_key  text,
        order_id      uuid,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX carts_one_open_per_user ON carts (user_id) WHERE status = 'OPEN'`);
    await queryRunner.query('CREATE UNIQUE INDEX carts_checkout_key ON carts (user_id, checkout_key) WHERE checkout_key IS NOT NULL');
    await queryRunner.query('CREATE INDEX carts_order ON carts (order_id) WHERE order_id IS NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE carts');
  }
}

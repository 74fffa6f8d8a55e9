import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders and the persisted state of each order's checkout saga. */
export class CreateOrders1764200000000 implements MigrationInterface {
  name = 'CreateOrders1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE orders (
        id               uuid PRIMARY KEY,
        user_id          text NOT NULL,
        cart_id          uuid NOT NULL,
        idempotency_key  text NOT NULL UNIQUE,
        status           text NOT NULL CHECK (status IN ('PENDING','RESERVED','PAID','CONFIRMED','CANCELLED','FAILED')),
        failure_reason   text,
        lines            jsonb NOT NULL,
        total_minor      bigint NOT NULL CHECK (total_minor >= 0),
        currency         char(3) NOT NULL,
        payment_token    text NOT NULL,
        payment_id       uuid,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query('CREATE INDEX orders_user_created ON orders (user_id, created_at DESC)');
    await queryRunner.query(`
      CREATE TABLE checkout_sagas (
        order_id         uuid PRIMARY KEY REFERENCES orders (id),
        step             text NOT NULL,
        failure_reason   text,
        payment_id       uuid,
        attempts         integer NOT NULL DEFAULT 0,
        last_error       text,
        deadline_at      timestamptz NOT NULL,
        next_attempt_at  timestamptz NOT NULL,
        lease_until      timestamptz,
        updated_at       timestamptz NOT NULL DEFAULT now()
      )`);
    // The sweeper's query: live sagas that are due.
    await queryRunner.query(`CREATE INDEX checkout_sagas_due ON checkout_sagas (next_attempt_at) WHERE step <> 'DONE'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE checkout_sagas');
    await queryRunner.query('DROP TABLE orders');
  }
}

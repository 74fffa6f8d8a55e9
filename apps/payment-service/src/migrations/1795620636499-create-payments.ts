import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The payments table. One row per idempotency key, enforced by the database, so two instances
 * racing on one key cannot make two payments. The card token is never stored: `token_hint`
 * keeps which kind it was, `request_fingerprint` a one-way hash of the whole request (to tell
 * a repeat from a reused key).
 */
export class CreatePayments1795620636499 implements MigrationInterface {
  name = 'CreatePayments1795620636499';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        id                   uuid PRIMARY KEY,
        order_id             uuid NOT NULL,
        idempotency_key      text NOT NULL CONSTRAINT payments_idempotency_key_unique UNIQUE,
        request_fingerprint  char(64) NOT NULL,
        status               text NOT NULL CONSTRAINT payments_status_check
                               CHECK (status IN ('PENDING', 'AUTHORIZED', 'DECLINED', 'FAILED', 'CAPTURED', 'VOIDED', 'REFUNDED')),
        amount_minor         bigint NOT NULL CONSTRAINT payments_amount_check CHECK (amount_minor >= 0),
        currency             char(3) NOT NULL,
        token_hint           text NOT NULL,
        failure_reason       text,
        provider_reference   text,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now()
      )`);
    // GET /payments?orderId=… (the saga and operators look payments up by order).
    await queryRunner.query('CREATE INDEX payments_order_id_idx ON payments (order_id, created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE payments');
  }
}

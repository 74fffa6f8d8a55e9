import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox (events written with the state change that caused them, relayed to Kafka after
 * the commit) and the inbox (ids of messages a consumer has applied). Every service database
 * gets both, first.
 */
export class OutboxAndInboxMigration implements MigrationInterface {
  name = 'OutboxAndInbox1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outbox (
        id          bigserial PRIMARY KEY,
        message_id  uuid NOT NULL UNIQUE,
        topic       text NOT NULL,
        key         text NOT NULL,
        type        text NOT NULL,
        payload     jsonb NOT NULL,
        headers     jsonb NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE inbox (
        consumer     text NOT NULL,
        message_id   uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE inbox');
    await queryRunner.query('DROP TABLE outbox');
  }
}

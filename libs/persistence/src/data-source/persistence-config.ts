import { z } from 'zod';

const csv = z.string().transform((value) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean),
);

/** What a service's data side reads from its environment, validated at start-up. */
export const persistenceConfigSchema = z.object({
  /** The Postgres server (any database on it); the service uses its own database there. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
  /** Default `meshmart_<service>` (e.g. meshmart_order for order-service). */
  DATABASE_NAME: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  KAFKA_BROKERS: csv.pipe(z.array(z.string().regex(/^[^:]+:\d+$/, 'host:port')).min(1)),
  /**
   * Put before every Kafka topic and consumer group the service uses (e.g. `e2e-3fa1c2.`), so
   * platforms that share a broker stay apart; none by default (`KafkaNames`, @meshmart/messaging).
   */
  KAFKA_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{0,99}[.-]$/, 'letters, digits, ".", "_" and "-", at most 100, ending in "." or "-"')
    .optional(),
});
export type PersistenceConfig = z.infer<typeof persistenceConfigSchema>;

/** `order-service` → `meshmart_order`. */
export function defaultDatabaseName(service: string): string {
  return `meshmart_${service.replace(/-service$/, '').replaceAll('-', '_')}`;
}

/** The database a service uses: DATABASE_NAME when set, else its default. */
export function databaseNameOf(config: Pick<PersistenceConfig, 'DATABASE_NAME'>, service: string): string {
  return config.DATABASE_NAME ?? defaultDatabaseName(service);
}

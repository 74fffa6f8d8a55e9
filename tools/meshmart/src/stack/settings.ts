import { join } from 'node:path';
import { z } from 'zod';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

/**
 * Where the local stack lives and listens. Every port can be moved with an environment
 * variable, so two stacks (or a stack beside other software) can share a machine.
 */
export const stackSettingsSchema = z.object({
  MESHMART_STATE_DIR: z.string().min(1).optional(),
  MESHMART_KAFKA_PORT: port(19092),
  MESHMART_KAFKA_CONTROLLER_PORT: port(19093),
  MESHMART_ETCD_PORT: port(12379),
  MESHMART_ETCD_PEER_PORT: port(12380),
  MESHMART_PROMETHEUS_PORT: port(19090),
  /** Port of the embedded Postgres, used only when no server answers at DATABASE_URL / PG*. */
  MESHMART_EMBEDDED_PG_PORT: port(15432),
  DATABASE_URL: z.string().url().optional(),
  PGHOST: z.string().optional(),
  PGPORT: z.coerce.number().int().optional(),
  PGUSER: z.string().optional(),
  PGPASSWORD: z.string().optional(),
});

export interface StackSettings {
  workspaceRoot: string;
  stateDir: string;
  ports: { kafka: number; kafkaController: number; etcd: number; etcdPeer: number; prometheus: number; embeddedPostgres: number };
  /** The Postgres server to use if it answers (admin database `postgres`). */
  postgresServerUrl: string;
}

export function loadStackSettings(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): StackSettings {
  const parsed = stackSettingsSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    throw new Error(`invalid stack settings: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  }
  const s = parsed.data;
  return {
    workspaceRoot,
    stateDir: s.MESHMART_STATE_DIR ?? join(workspaceRoot, '.meshmart'),
    ports: {
      kafka: s.MESHMART_KAFKA_PORT,
      kafkaController: s.MESHMART_KAFKA_CONTROLLER_PORT,
      etcd: s.MESHMART_ETCD_PORT,
      etcdPeer: s.MESHMART_ETCD_PEER_PORT,
      prometheus: s.MESHMART_PROMETHEUS_PORT,
      embeddedPostgres: s.MESHMART_EMBEDDED_PG_PORT,
    },
    postgresServerUrl: s.DATABASE_URL ?? postgresUrlFromPgEnv(s),
  };
}

function postgresUrlFromPgEnv(s: z.infer<typeof stackSettingsSchema>): string {
  const url = new URL('postgres://127.0.0.1:5432/postgres');
  url.hostname = s.PGHOST ?? '127.0.0.1';
  url.port = String(s.PGPORT ?? 5432);
  url.username = s.PGUSER ?? 'postgres';
  if (s.PGPASSWORD) url.password = s.PGPASSWORD;
  return url.toString();
}

/** A URL fit for a log line: its password, if any, replaced by `***`. Not a URL: returned as is. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

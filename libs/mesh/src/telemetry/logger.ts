import { hostname } from 'node:os';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';
import { guardTelemetry } from './telemetry-failure';

export interface MeshLoggerOptions {
  /** Service name, on every line as `service`. */
  service: string;
  /** Instance id, on every line as `instance`. */
  instance: string;
  /** Lowest level written; default `info`. */
  level?: LevelWithSilent;
  /** Where lines go; default standard output. */
  destination?: DestinationStream;
}

/** Field names whose values are secrets wherever they appear (logs redact them; `meshmart dlq show` too). */
export const SECRET_FIELDS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'passphrase',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'secret',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'privateKey',
  'private_key',
];

/**
 * pino's redact paths have no "any depth" wildcard, and each `*` stands for exactly one key, so
 * every secret field is listed from the top level down to this many levels of nesting
 * (`req.headers.authorization` is 2, `err.config.headers.authorization` 3).
 */
const REDACTION_DEPTH = 3;

function redactPaths(): string[] {
  return SECRET_FIELDS.flatMap((field) => {
    const isIdentifier = /^[A-Za-z_$][\w$]*$/.test(field);
    return Array.from({ length: REDACTION_DEPTH + 1 }, (_, depth) => {
      const wildcards = Array.from({ length: depth }, () => '*');
      return isIdentifier ? [...wildcards, field].join('.') : `${wildcards.join('.')}["${field}"]`;
    });
  });
}

/** `trace_id` / `span_id` of the active span, none outside a span; never throws. */
function activeTraceFields(): Record<string, string> {
  return guardTelemetry('log trace fields', {}, () => {
    const spanContext = trace.getActiveSpan()?.spanContext();
    const fields: Record<string, string> = {};
    if (spanContext && isSpanContextValid(spanContext)) {
      fields.trace_id = spanContext.traceId;
      fields.span_id = spanContext.spanId;
    }
    return fields;
  });
}

/**
 * The JSON logger of a mesh service: every line carries `service`, `instance` and, inside a
 * span, the span's `trace_id` and `span_id`, so a log line leads to its trace and back. Secret
 * fields (authorization, cookies, passwords, tokens, API and private keys) are written as
 * `[Redacted]` down to three levels of nesting.
 *
 * @example
 * const logger = createMeshLogger({ service: 'inventory-service', instance: instance.id });
 * logger.info({ productId }, 'stock reserved');
 */
export function createMeshLogger({ service, instance, level = 'info', destination }: MeshLoggerOptions): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid, hostname: hostname(), service, instance },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: activeTraceFields,
      redact: { paths: redactPaths() },
    },
    destination,
  );
}

let serviceLogger: Logger | undefined;

/** Makes `logger` the one that libraries in this process log through (`runService` does this). */
export function setServiceLogger(logger: Logger | undefined): void {
  serviceLogger = logger;
}

/**
 * The logger of the service this process runs, for code that cannot have it injected (a
 * Kafka client's log hook); undefined outside a service, e.g. in a CLI or a test.
 */
export function currentServiceLogger(): Logger | undefined {
  return serviceLogger;
}

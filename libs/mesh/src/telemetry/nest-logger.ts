import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * NestJS's logger interface on a mesh pino logger, so Nest's own lines and every
 * `new Logger(context)` of the app come out as the same JSON as the rest: `service`,
 * `instance`, `trace_id`/`span_id` inside a span, secrets redacted, and Nest's context as
 * `context`. An Error argument is logged as `err` (with its stack), not flattened into text.
 */
export class MeshNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]): void {
    // Nest passes the context last; an error's stack, when it has one, comes before it.
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    const rest = context === undefined ? params : params.slice(0, -1);
    const fields: Record<string, unknown> = {};
    if (context !== undefined) fields['context'] = context;
    const stack = rest.find((param): param is string => typeof param === 'string');
    if (stack !== undefined) fields['stack'] = stack;
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...(message as Record<string, unknown>) });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}

/**
 * Routes the process's warnings (deprecations, a library's TimeoutNegativeWarning) into the
 * logger instead of Node's plain stderr print, so every line a service writes is JSON.
 */
export function logProcessWarnings(logger: Logger): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => logger.warn({ warning: { name: warning.name, code: (warning as { code?: string }).code } }, warning.message));
}

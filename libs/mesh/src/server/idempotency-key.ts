import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { IDEMPOTENCY_KEY_HEADER } from '../resilience/idempotency';
import { ProblemException } from './validation';

/** 1–200 characters of `[A-Za-z0-9._:-]`: room for a UUID or `checkout:<order>:<attempt>`, nothing to escape in logs. */
export const idempotencyKeySchema = z.string().regex(/^[A-Za-z0-9._:-]{1,200}$/);

/**
 * The request's Idempotency-Key, or a 400 `idempotency-key-required` problem when it is
 * missing, repeated or malformed: a payment must never be made by a request that cannot be
 * safely retried.
 */
export function parseIdempotencyKey(value: unknown): string {
  const parsed = idempotencyKeySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new ProblemException(
    400,
    'idempotency-key-required',
    'idempotency key required',
    `send one ${IDEMPOTENCY_KEY_HEADER} header of 1–200 characters from [A-Za-z0-9._:-]; a retry sends the same key`,
    { header: IDEMPOTENCY_KEY_HEADER },
  );
}

/**
 * Handler parameter: the validated Idempotency-Key header (Nest's `@Headers` takes no pipes).
 * @example authorize(@IdempotencyKey() key: string, @Body(…) body: AuthorizePayment) { … }
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string =>
  parseIdempotencyKey(context.switchToHttp().getRequest<FastifyRequest>().headers[IDEMPOTENCY_KEY_HEADER]),
);

import { type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import type { HasProblem } from './problem-json.filter';
import { type ProblemDocument, problemType } from '../problems/problem-document';

/** One field that failed validation: where (`lines.0.quantity`) and why. */
export interface FieldError {
  path: string;
  message: string;
}

/** A request whose body, query or parameters break their schema: 400, naming every bad field. */
export class InvalidRequest extends Error implements HasProblem {
  override readonly name = 'InvalidRequest';

  constructor(readonly errors: readonly FieldError[]) {
    super(errors.map((error) => `${error.path || '(body)'}: ${error.message}`).join('; '));
  }

  toProblem(instance: string): ProblemDocument {
    return { type: problemType('invalid-request'), title: 'invalid request', status: 400, detail: this.message, instance, errors: this.errors };
  }
}

/**
 * Validates a body, query or parameter against a zod schema (from @meshmart/contracts) and
 * hands the typed, parsed value to the handler; anything else is an `InvalidRequest`.
 * @example create(@Body(new ZodValidationPipe(reserveStockSchema)) body: ReserveStock) { … }
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const parsed = this.schema.safeParse(value);
    if (parsed.success) return parsed.data;
    throw new InvalidRequest(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
  }
}

/**
 * An expected outcome a handler answers with a problem document: out of stock (409), unknown
 * product (404), payment required (402)… `slug` names the problem type, stable for clients.
 * @example throw new ProblemException(409, 'out-of-stock', 'not enough stock', `only ${n} of ${sku} left`, { sku });
 */
export class ProblemException extends Error implements HasProblem {
  override readonly name = 'ProblemException';

  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }

  /**
   * The exception of a problem written down as data, such as the problems several services
   * share (`sharedProblemOf` in @meshmart/contracts).
   * @example throw ProblemException.of({ status: 404, slug: 'unknown-product', title: 'unknown product', detail: 'no product has sku MUG-001' });
   */
  static of(problem: { status: number; slug: string; title: string; detail: string; extensions?: Readonly<Record<string, unknown>> }): ProblemException {
    return new ProblemException(problem.status, problem.slug, problem.title, problem.detail, { ...problem.extensions });
  }

  toProblem(instance: string): ProblemDocument {
    return { ...this.extensions, type: problemType(this.slug), title: this.title, status: this.status, detail: this.message, instance };
  }
}

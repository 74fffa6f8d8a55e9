import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { ProblemException } from '@meshmart/mesh';

/**
 * A guard that runs one named throttler of the gateway's `ThrottlerModule`, so each limit sits
 * at its own place in the guard chain (per address before authentication, per user after).
 * Over the limit: 429 problem+json with `Retry-After`, naming what was counted, not a class.
 */
export abstract class EdgeThrottlerGuard extends ThrottlerGuard {
  /** The throttler (`ThrottlerOptions.name`) this guard runs. */
  protected abstract readonly throttlerName: string;
  /** Who is counted, for the refusal's detail: `address`, `user`. */
  protected abstract readonly counted: string;

  override async onModuleInit(): Promise<void> {
    await super.onModuleInit();
    this.throttlers = this.throttlers.filter((throttler) => throttler.name === this.throttlerName);
  }

  protected override throwThrottlingException(context: ExecutionContext, limit: ThrottlerLimitDetail): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    void reply.header('retry-after', String(limit.timeToBlockExpire));
    const window = Math.round(limit.ttl / 1000);
    return Promise.reject(
      new ProblemException(
        429,
        'too-many-requests',
        'too many requests',
        `more than ${limit.limit} requests in ${window} s from this ${this.counted}; retry in ${limit.timeToBlockExpire} s`,
      ),
    );
  }
}

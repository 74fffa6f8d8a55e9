import { Injectable } from '@nestjs/common';
import { EdgeThrottlerGuard } from './edge-throttler.guard';
import type { AuthenticatedRequest } from './jwt-auth.guard';

/** The user throttler keeps the library's default name, so its headers stay `Retry-After` and `X-RateLimit-*`. */
export const SHOPPER_THROTTLER = 'default';

/** Rate limiting per user once authenticated (after `JwtAuthGuard`): one noisy shopper cannot starve the others. */
@Injectable()
export class ShopperThrottlerGuard extends EdgeThrottlerGuard {
  protected readonly throttlerName = SHOPPER_THROTTLER;
  protected readonly counted = 'user';

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { shopper, ip } = request as unknown as AuthenticatedRequest;
    return Promise.resolve(shopper ? `user:${shopper.userId}` : `ip:${ip}`);
  }
}

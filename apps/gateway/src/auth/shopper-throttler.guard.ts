import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { AuthenticatedRequest } from './jwt-auth.guard';

/** Rate limiting per user once authenticated (per address before): one noisy shopper cannot starve the others. */
@Injectable()
export class ShopperThrottlerGuard extends ThrottlerGuard {
  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const shopper = (request as unknown as AuthenticatedRequest).shopper;
    return Promise.resolve(shopper ? `user:${shopper.userId}` : `ip:${(request as unknown as AuthenticatedRequest).ip}`);
  }
}

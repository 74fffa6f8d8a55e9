import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { clientAddress } from '../edge/client-address';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { EdgeThrottlerGuard } from './edge-throttler.guard';

export const ADDRESS_THROTTLER = 'address';

/**
 * Rate limiting per client address, as the app's first guard: before a token is verified, so
 * bad tokens and anonymous calls are counted too. One count over every route (a caller cannot
 * multiply its allowance by spreading over routes).
 */
@Injectable()
export class AddressThrottlerGuard extends EdgeThrottlerGuard {
  protected readonly throttlerName = ADDRESS_THROTTLER;
  protected readonly counted = 'address';
  @Inject(GATEWAY_CONFIG) private readonly config!: GatewayConfig;

  protected override getTracker(request: Record<string, unknown>): Promise<string> {
    const { ip, headers } = request as unknown as FastifyRequest;
    return Promise.resolve(clientAddress(ip, headers, this.config.GATEWAY_TRUSTED_PROXY_HOPS));
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, name: string): string {
    return `${name}:${tracker}`;
  }
}

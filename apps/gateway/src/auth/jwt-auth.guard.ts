import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ProblemException } from '@meshmart/mesh';
import { userIdSchema } from '@meshmart/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';

/** The shopper a verified token names. */
export interface Shopper {
  userId: string;
}

export type AuthenticatedRequest = FastifyRequest & { shopper?: Shopper };

function unauthorized(detail: string): ProblemException {
  return new ProblemException(401, 'unauthenticated', 'unauthenticated', detail);
}

/**
 * End-user authentication at the edge: a Bearer JWT, HS256 with the demo key or RS256/ES256
 * from a JWKS, checked for signature, expiry, issuer and audience. Its `sub` is the user id
 * the services see. The reason a token failed is given; the token itself is never logged.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.secret = config.GATEWAY_JWT_SECRET ? new TextEncoder().encode(config.GATEWAY_JWT_SECRET) : undefined;
    this.jwks = config.GATEWAY_JWKS_URL ? createRemoteJWKSet(new URL(config.GATEWAY_JWKS_URL)) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw unauthorized('send an Authorization: Bearer <JWT> header');
    const options = { issuer: this.config.GATEWAY_JWT_ISSUER, audience: this.config.GATEWAY_JWT_AUDIENCE };
    let subject: string | undefined;
    try {
      const { payload } = this.jwks ? await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] }) : await jwtVerify(token, this.secret as Uint8Array, { ...options, algorithms: ['HS256'] });
      subject = payload.sub;
    } catch (error) {
      throw unauthorized(`the token was refused: ${(error as { code?: string }).code ?? 'invalid token'}`);
    }
    const userId = userIdSchema.safeParse(subject);
    if (!userId.success) throw unauthorized('the token names no valid user (sub)');
    request.shopper = { userId: userId.data };
    return true;
  }
}

import { createSecretKey, type KeyObject } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { createRemoteJWKSet, type JWTVerifyGetKey, type JWTVerifyOptions, jwtVerify } from 'jose';
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

/** The shopper's user id as one path segment of a call to a service: validated by the guard, and encoded all the same. */
export function userSegment(request: AuthenticatedRequest): string {
  if (!request.shopper) throw unauthorized('send an Authorization: Bearer <JWT> header');
  return encodeURIComponent(request.shopper.userId);
}

/** Why jose refused a token, naming the claim when one is at fault (`ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing`). */
function refusalReason(error: unknown): string {
  const { code, claim, reason } = error as { code?: string; claim?: string; reason?: string };
  return `${code ?? 'invalid token'}${claim ? `: ${claim} ${reason === 'missing' ? 'missing' : 'check failed'}` : ''}`;
}

/**
 * End-user authentication at the edge: a Bearer JWT, HS256 with the demo key or RS256/ES256
 * from a JWKS, checked by jose for signature, issuer and audience, with `exp`, `iat` and `sub`
 * required; `exp`, `nbf` and `iat` (not in the future) within a small clock skew, and the
 * token no older than its maximum age however far its `exp` lies. Its `sub` is the user id the
 * services see. The reason a token failed is given; the token itself is never logged.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  // A KeyObject, not the raw bytes: jose imports raw bytes into a CryptoKey on every verification,
  // and converts a KeyObject once (it caches the CryptoKey per KeyObject).
  private readonly secret: KeyObject | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.secret = config.GATEWAY_JWT_SECRET ? createSecretKey(Buffer.from(config.GATEWAY_JWT_SECRET, 'utf8')) : undefined;
    this.jwks = config.GATEWAY_JWKS_URL ? createRemoteJWKSet(new URL(config.GATEWAY_JWKS_URL)) : undefined;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw unauthorized('send an Authorization: Bearer <JWT> header');
    const options: JWTVerifyOptions = {
      issuer: this.config.GATEWAY_JWT_ISSUER,
      audience: this.config.GATEWAY_JWT_AUDIENCE,
      // maxTokenAge makes `iat` required too, and refuses one in the future.
      requiredClaims: ['exp', 'sub'],
      maxTokenAge: this.config.GATEWAY_JWT_MAX_AGE_SECONDS,
      clockTolerance: this.config.GATEWAY_JWT_CLOCK_SKEW_SECONDS,
    };
    let subject: string | undefined;
    try {
      const { payload } = this.jwks
        ? await jwtVerify(token, this.jwks, { ...options, algorithms: ['RS256', 'ES256'] })
        : await jwtVerify(token, this.secret as KeyObject, { ...options, algorithms: ['HS256'] });
      subject = payload.sub;
    } catch (error) {
      throw unauthorized(`the token was refused: ${refusalReason(error)}`);
    }
    const userId = userIdSchema.safeParse(subject);
    if (!userId.success) throw unauthorized('the token names no valid user (sub)');
    request.shopper = { userId: userId.data };
    return true;
  }
}

import type { ExecutionContext } from '@nestjs/common';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ProblemException } from '@meshmart/mesh';
import { loadGatewayConfig } from '../gateway-config';
import { type AuthenticatedRequest, JwtAuthGuard } from './jwt-auth.guard';

const secret = 'a-demo-key-that-is-32-characters-long';
const guard = new JwtAuthGuard(loadGatewayConfig({ GATEWAY_JWT_SECRET: secret }));

function contextWith(authorization?: string): { context: ExecutionContext; request: AuthenticatedRequest } {
  const request = { headers: authorization ? { authorization } : {} } as AuthenticatedRequest;
  return { request, context: { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext };
}

/** A demo token; `exp`, `iat` and `nbf` are offsets from now (`'5m'`, `'-2h'`), `null` leaves the claim out. */
function token(claims: { sub?: string; iss?: string; aud?: string; exp?: string | null; iat?: string | null; nbf?: string; key?: string }): Promise<string> {
  let jwt = new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(claims.iss ?? 'meshmart-demo')
    .setAudience(claims.aud ?? 'meshmart');
  if (claims.exp !== null) jwt = jwt.setExpirationTime(claims.exp ?? '5m');
  if (claims.iat !== null) jwt = claims.iat === undefined ? jwt.setIssuedAt() : jwt.setIssuedAt(claims.iat);
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
  if (claims.sub !== undefined) jwt = jwt.setSubject(claims.sub);
  return jwt.sign(new TextEncoder().encode(claims.key ?? secret));
}

async function refusal(authorization?: string): Promise<string> {
  const { context } = contextWith(authorization);
  const error = await guard.canActivate(context).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProblemException);
  expect((error as ProblemException).status).toBe(401);
  return (error as ProblemException).message;
}

describe('JwtAuthGuard', () => {
  it('admits a valid demo token and hands its subject on as the shopper', async () => {
    const { context, request } = contextWith(`Bearer ${await token({ sub: 'ada' })}`);
    expect(await guard.canActivate(context)).toBe(true);
    expect(request.shopper).toEqual({ userId: 'ada' });
  });

  it('refuses a missing, malformed, foreign, expired or misaddressed token, saying why', async () => {
    expect(await refusal()).toMatch(/Bearer/);
    expect(await refusal('Basic YWRhOnB3')).toMatch(/Bearer/);
    expect(await refusal('Bearer not.a.jwt')).toMatch(/refused/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', key: 'another-key-that-is-32-characters!!' })}`)).toMatch(/ERR_JWS_SIGNATURE_VERIFICATION_FAILED/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', exp: '-1m' })}`)).toMatch(/ERR_JWT_EXPIRED/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', aud: 'someone-else' })}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED/);
    expect(await refusal(`Bearer ${await token({})}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED: sub missing/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada/../admin' })}`)).toMatch(/no valid user/);
  });

  it.each(['.', '..', '.hidden', '%2e%2e', 'ada/..'])('refuses a subject that could become a path segment of its own: %s', async (sub) => {
    expect(await refusal(`Bearer ${await token({ sub })}`)).toMatch(/no valid user/);
  });

  it('requires exp and iat, refuses an iat or nbf in the future and a token older than its maximum age, within the clock skew', async () => {
    expect(await refusal(`Bearer ${await token({ sub: 'ada', exp: null })}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED: exp missing/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', iat: null })}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED: iat missing/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', iat: '1d' })}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED: iat check failed/);
    expect(await refusal(`Bearer ${await token({ sub: 'ada', nbf: '10m' })}`)).toMatch(/ERR_JWT_CLAIM_VALIDATION_FAILED: nbf check failed/);
    // Signed two hours ago with a week to run: older than the one hour a token may live.
    expect(await refusal(`Bearer ${await token({ sub: 'ada', iat: '-2h', exp: '7d' })}`)).toMatch(/ERR_JWT_EXPIRED: iat check failed/);
    // Within the default 30 s of skew, an issuer's clock a little ahead is no reason to refuse.
    const { context } = contextWith(`Bearer ${await token({ sub: 'ada', iat: '10s', nbf: '10s' })}`);
    expect(await guard.canActivate(context)).toBe(true);
  });
});

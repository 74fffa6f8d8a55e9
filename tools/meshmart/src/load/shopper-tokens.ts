import { createPrivateKey, createSecretKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { LoadUsageError } from './load-options';

/** Signs shoppers' tokens as the gateway's configured issuer would: HS256 with a shared secret, or RS256/ES256 with a private key. */
export interface ShopperTokenSigner {
  alg: 'HS256' | 'RS256' | 'ES256';
  sign(userId: string): Promise<string>;
}

/**
 * Builds the signer from `--jwt-secret` or `--jwt-key FILE` (a PKCS#8 or traditional PEM
 * private key: RSA → RS256, EC P-256 → ES256). A key that cannot be read or used is a
 * `LoadUsageError` naming the flag.
 */
export function shopperTokenSigner(jwt: { secret: string | undefined; keyFile: string | undefined; issuer: string; audience: string }): ShopperTokenSigner {
  const { key, alg } =
    jwt.keyFile !== undefined ? privateKey(jwt.keyFile) : { key: createSecretKey(Buffer.from(jwt.secret ?? '', 'utf8')), alg: 'HS256' as const };
  return {
    alg,
    sign: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg })
        .setSubject(userId)
        .setIssuer(jwt.issuer)
        .setAudience(jwt.audience)
        .setIssuedAt()
        .setExpirationTime('15m')
        .sign(key),
  };
}

function privateKey(file: string): { key: KeyObject; alg: 'RS256' | 'ES256' } {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new LoadUsageError(`--jwt-key: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new LoadUsageError(`--jwt-key: ${file} is not a PEM private key`);
  }
  if (key.asymmetricKeyType === 'rsa') return { key, alg: 'RS256' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { key, alg: 'ES256' };
  throw new LoadUsageError(`--jwt-key: ${file} is a ${key.asymmetricKeyType ?? 'unknown'} key; the gateway takes RS256 (RSA) or ES256 (EC P-256)`);
}

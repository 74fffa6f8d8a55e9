import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, makeCertificates, serviceEnv, shopperToken, startApp } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

const namespace = `gw${randomUUID().slice(0, 6)}`;
const certDir = mkdtempSync(join(tmpdir(), 'meshmart-gateway-certs-'));
const secret = 'rate-limit-key-of-at-least-32-chars!';
const USER_LIMIT = 3;
const ADDRESS_LIMIT = 20;
let gateway: AppProcess;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { type?: string; detail?: string };
}

/** GET `path` from the gateway as a client at `from` (a loopback address of its own). */
function get(path: string, headers: Record<string, string> = {}, from = '127.0.0.1'): Promise<Answer> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    request({ host: url.hostname, port: url.port, path, headers, localAddress: from, agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Answer['body'] }));
    })
      .on('error', reject)
      .end();
  });
}

beforeAll(async () => {
  const stack = await useStack();
  makeCertificates(certDir, namespace, ['gateway']);
  // The gateway alone: its upstreams have no instances, so what passes the limits answers 503.
  gateway = await startApp('gateway', {
    ...serviceEnv(stack, { certDir, namespace }),
    GATEWAY_JWT_SECRET: secret,
    GATEWAY_RATE_LIMIT: String(USER_LIMIT),
    GATEWAY_ADDRESS_RATE_LIMIT: String(ADDRESS_LIMIT),
  });
});

afterAll(async () => {
  await gateway?.stop('SIGKILL');
  rmSync(certDir, { recursive: true, force: true });
});

function expectLimited(answer: Answer, counted: 'user' | 'address'): void {
  expect(answer.status).toBe(429);
  expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
  expect(answer.body.type).toBe('https://meshmart.dev/problems/too-many-requests');
  expect(answer.body.detail).toMatch(new RegExp(`from this ${counted}`));
  expect(JSON.stringify(answer.body)).not.toMatch(/Throttler|Exception/);
}

describe('the gateway limits each user and, before authentication, each address (a real gateway process)', () => {
  it('answers a user over the limit 429 with Retry-After, and serves another user from the same address', async () => {
    const ada = { authorization: `Bearer ${await shopperToken(secret, 'ada')}` };
    const first = await get('/orders', ada);
    expect(first.status).toBe(503);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': String(USER_LIMIT), 'x-ratelimit-remaining': String(USER_LIMIT - 1) });
    for (let i = 1; i < USER_LIMIT; i++) expect((await get('/orders', ada)).status).toBe(503);
    expectLimited(await get('/orders', ada), 'user');
    expect((await get('/orders', { authorization: `Bearer ${await shopperToken(secret, 'bob')}` })).status).toBe(503);
  });

  it('counts every request of an address, bad tokens and anonymous ones included, over all routes', async () => {
    const from = '127.0.0.4';
    const paths = ['/cart', '/orders', '/products'];
    for (let i = 0; i < ADDRESS_LIMIT; i++)
      expect((await get(paths[i % paths.length] ?? '/cart', { authorization: 'Bearer not-a-jwt' }, from)).status).toBeOneOf([401, 503]);
    expectLimited(await get('/cart', { authorization: 'Bearer not-a-jwt' }, from), 'address');
    expectLimited(await get('/products', {}, from), 'address');
    expect((await get('/products', {}, '127.0.0.5')).status).toBe(503);
  });
});

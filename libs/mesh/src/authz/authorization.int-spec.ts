import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { MeshTestBed } from '../testing/mesh-test-bed';

/**
 * Istio's authorization semantics where the library enforces them itself, over real mTLS to a
 * real echo-service process: the path is normalized (BASE) before routing and policy, so a
 * dot segment in any spelling cannot carry a caller from a route it may call to one it may
 * not; a NUL is refused with 400; a principal prefix admits a family of workloads.
 */
describe('authorization over real mTLS, as Istio decides it', () => {
  let bed: MeshTestBed;
  let echo: AppProcess;
  const get = (rawPath: string, as = 'mesh-test-client') => bed.get(`${echo.url}/`, { as, rawPath });

  beforeAll(async () => {
    bed = await MeshTestBed.create(['echo-service', 'mesh-test-client', 'mesh-test-batch', 'intruder']);
    echo = await bed.startEcho('echo-authz');
  });

  afterAll(async () => {
    await bed.close();
  });

  it('lets the client read /public/<name>, and the app sees the normalized name', async () => {
    expect(await get('/public/file')).toMatchObject({ status: 200, body: JSON.stringify({ name: 'file' }) });
    expect(await get('/public/%66%69le')).toMatchObject({ status: 200, body: JSON.stringify({ name: 'file' }) });
    expect(await get('/public/./file?x=1')).toMatchObject({ status: 200, body: JSON.stringify({ name: 'file' }) });
  });

  it.each([
    '/public/../private',
    '/public/%2E%2E/private',
    '/public/%2e%2e/private',
    '/public/.%2E/private',
    '/public/%2E./private',
    '/public/x/../../private',
    '/public\\..\\private',
  ])('refuses %s to the client, whose policy does not name /private (403 problem)', async (rawPath) => {
    const denied = await get(rawPath);
    expect(denied.status).toBe(403);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(denied.body)).toMatchObject({
      type: 'https://meshmart.dev/problems/access-denied',
      instance: '/private',
      caller: `spiffe://meshmart.local/ns/${bed.namespace}/sa/mesh-test-client`,
    });
  });

  it('routes the same spelling to /private for a caller its policy names: normalization, not a blanket refusal', async () => {
    expect(await get('/public/%2E%2E/private', 'intruder')).toMatchObject({ status: 200, body: JSON.stringify({ private: true }) });
  });

  it('answers 400 problem+json to a %00 in the path, before routing', async () => {
    const refused = await get('/public/.%00./private');
    expect(refused.status).toBe(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ type: 'https://meshmart.dev/problems/malformed-request', status: 400 });
  });

  it('admits a family of workloads by principal prefix, and nobody outside it', async () => {
    expect((await get('/family', 'mesh-test-client')).status).toBe(200);
    expect((await get('/family', 'mesh-test-batch')).status).toBe(200);
    expect((await get('/family', 'intruder')).status).toBe(403);
  });
});

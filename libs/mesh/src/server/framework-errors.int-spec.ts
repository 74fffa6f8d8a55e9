import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppProcess } from '@meshmart/platform';
import { MeshTestBed } from '../testing/mesh-test-bed';

describe('errors Fastify and Nest raise themselves, from a real echo-service over mTLS', () => {
  let bed: MeshTestBed;
  let echo: AppProcess;

  beforeAll(async () => {
    bed = await MeshTestBed.create();
    echo = await bed.startEcho('echo-framework-errors');
  });

  afterAll(async () => {
    await bed.close();
  });

  it.each([
    ['a malformed percent-encoding (router, before any hook)', '/items/%E0%A4%A-marker', 400, 'https://meshmart.dev/problems/bad-url'],
    ['an over-long path segment (router: 414)', `/items/${'m'.repeat(150)}-marker`, 414, 'https://meshmart.dev/problems/uri-too-long'],
    ['no route (Nest says `Cannot GET <url>`)', '/no-such-route-marker?token=marker', 404, 'about:blank'],
  ])('%s is a problem document that quotes nothing of the URL', async (_what, path, status, type) => {
    const answer = await bed.get(`${echo.url}${path}`);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ type, status, detail: expect.any(String) });
    expect(JSON.parse(answer.body).detail).not.toMatch(/marker|%/);
    // A mesh peer still learns which path it called (the router's errors have none).
    if (status === 404) expect(JSON.parse(answer.body).instance).toBe('/no-such-route-marker');
  });
});

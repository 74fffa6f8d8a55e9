import { describe, expect, it } from 'vitest';
import { frameworkProblem } from './framework-errors';

describe('frameworkProblem', () => {
  it('gives each error Fastify or Node answers itself a status, a stable type and a fixed detail, without instance', () => {
    expect(frameworkProblem('FST_ERR_BAD_URL', 400)).toMatchObject({ status: 400, type: 'https://meshmart.dev/problems/bad-url' });
    expect(frameworkProblem('FST_ERR_MAX_PARAM_LENGTH', 414)).toMatchObject({ status: 414, type: 'https://meshmart.dev/problems/uri-too-long' });
    expect(frameworkProblem('HPE_HEADER_OVERFLOW', 400)).toMatchObject({ status: 431 });
    expect(frameworkProblem('ERR_HTTP_REQUEST_TIMEOUT', 400)).toMatchObject({ status: 408 });
    expect(frameworkProblem('HPE_INVALID_METHOD', 400)).toMatchObject({ status: 400, type: 'https://meshmart.dev/problems/malformed-request' });
    expect(frameworkProblem('FST_ERR_ASYNC_CONSTRAINT', 500)).toMatchObject({ status: 500, type: 'about:blank' });
    for (const code of ['FST_ERR_BAD_URL', 'FST_ERR_MAX_PARAM_LENGTH', 'HPE_HEADER_OVERFLOW', undefined])
      expect(frameworkProblem(code, 400)).not.toHaveProperty('instance');
  });
});

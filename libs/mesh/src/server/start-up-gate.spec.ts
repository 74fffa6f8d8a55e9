import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { StartUpConditions } from '../runtime/start-up-conditions';
import { installStartUpGate } from './start-up-gate';

function serverWith(startUp: StartUpConditions) {
  const fastify = Fastify();
  installStartUpGate(fastify, { service: 'order-service', startUp });
  for (const path of ['/health', '/health/ready', '/metrics', '/orders/1']) fastify.get(path, async () => ({ served: path }));
  return fastify;
}

describe('installStartUpGate', () => {
  it('answers 503 problem+json with retry-after on every route but health and metrics while something blocks traffic', async () => {
    const startUp = new StartUpConditions();
    startUp.hold('postgres', 'unreachable (2 tries in 1s): connect ECONNREFUSED', { blocksTraffic: true });
    startUp.hold('kafka consumer order-service.checkout-saga', 'waiting for the database');
    const fastify = serverWith(startUp);
    const refused = await fastify.inject({ method: 'GET', url: '/orders/1?x=1' });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toEqual({
      type: 'https://meshmart.dev/problems/starting',
      title: 'not serving yet',
      status: 503,
      detail: 'order-service is starting: waiting for postgres',
      waitingFor: ['postgres'],
    });
    for (const path of ['/health', '/health/ready', '/metrics']) expect((await fastify.inject({ method: 'GET', url: path })).statusCode).toBe(200);
  });

  it('lets every request through once nothing blocks traffic, even while readiness still waits for a consumer', async () => {
    const startUp = new StartUpConditions();
    startUp.hold('postgres', 'connecting', { blocksTraffic: true });
    startUp.hold('kafka consumer order-service.checkout-saga', 'joining orders.v1');
    const fastify = serverWith(startUp);
    startUp.release('postgres');
    expect((await fastify.inject({ method: 'GET', url: '/orders/1' })).json()).toEqual({ served: '/orders/1' });
  });
});

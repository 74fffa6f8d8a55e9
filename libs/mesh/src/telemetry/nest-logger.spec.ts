import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMeshLogger } from './logger';
import { MeshNestLogger } from './nest-logger';

function capture(): { lines: Record<string, unknown>[]; logger: MeshNestLogger } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: new MeshNestLogger(createMeshLogger({ service: 'order-service', instance: 'order-service-1', level: 'debug', destination })) };
}

describe('MeshNestLogger', () => {
  it('writes Nest log calls as JSON lines with service, instance, level and context', () => {
    const { lines, logger } = capture();
    logger.log('order 42 CONFIRMED', 'CheckoutSaga');
    logger.warn('saga sweep failed', 'SagaSweeper');
    logger.debug('plain message');

    expect(lines).toMatchObject([
      { level: 'info', service: 'order-service', instance: 'order-service-1', context: 'CheckoutSaga', msg: 'order 42 CONFIRMED' },
      { level: 'warn', context: 'SagaSweeper', msg: 'saga sweep failed' },
      { level: 'debug', msg: 'plain message' },
    ]);
    expect(lines[2]).not.toHaveProperty('context');
  });

  it('keeps an error and its stack as fields, and redacts secrets in objects', () => {
    const { lines, logger } = capture();
    logger.error(new Error('boom'), 'Bootstrap');
    logger.error('request failed', 'Error: x\n    at y', 'ExceptionsHandler');
    logger.log({ msg: 'call', headers: { authorization: 'Bearer abc.def.ghi' } }, 'Gateway');

    expect(lines[0]).toMatchObject({ level: 'error', context: 'Bootstrap', msg: 'boom', err: { message: 'boom' } });
    expect(lines[1]).toMatchObject({ level: 'error', context: 'ExceptionsHandler', msg: 'request failed', stack: 'Error: x\n    at y' });
    expect(lines[2]).toMatchObject({ context: 'Gateway', headers: { authorization: '[Redacted]' } });
    expect(JSON.stringify(lines)).not.toContain('abc.def.ghi');
  });
});

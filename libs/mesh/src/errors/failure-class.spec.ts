import { describe, expect, it } from 'vitest';
import { classifyAnswer, classifyFailure, failureCode } from './failure-class';
import {
  CircuitOpen,
  ConcurrencyLimitReached,
  DeadlineExceeded,
  IdentityRejected,
  NoHealthyUpstream,
  UpstreamConnectFailure,
  UpstreamServerError,
} from './mesh-error';

/** An error as node-postgres raises it for a server answer: a DatabaseError with a SQLSTATE and a severity. */
const pgError = (code: string, message = 'server said no') => Object.assign(new Error(message), { name: 'error', code, severity: 'ERROR' });
/** An error as Node raises it for a socket. */
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: 'connect' });
/** TypeORM's QueryFailedError: the driver's error beside its own, its fields copied on it. */
const queryFailed = (driverError: Error & { code: string }) =>
  Object.assign(new Error(driverError.message), { ...driverError, name: 'QueryFailedError', driverError });
/** A kafkajs error: `retriable` set by kafkajs, `cause` set when retries ran out. */
const kafkaError = (name: string, retriable: boolean, cause?: unknown) => Object.assign(new Error('kafka'), { name, retriable, cause });

describe('classifyFailure', () => {
  it.each([
    ['no healthy upstream', new NoHealthyUpstream('none')],
    ['a refused upstream connection', new UpstreamConnectFailure('refused')],
    ['an upstream 503', new UpstreamServerError(503)],
    ['an upstream 504', new UpstreamServerError(504)],
    ['an open circuit', new CircuitOpen('open')],
    ['a full bulkhead', new ConcurrencyLimitReached('full')],
    ['a passed deadline', new DeadlineExceeded('late')],
  ])('transient: %s (the mesh says retryable)', (_label, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['connection refused', socketError('ECONNREFUSED')],
    ['connection reset', socketError('ECONNRESET')],
    ['a socket timeout', socketError('ETIMEDOUT')],
    ['a DNS hiccup', socketError('EAI_AGAIN')],
    ['Postgres shutting down (57P01)', pgError('57P01', 'terminating connection due to administrator command')],
    ['Postgres starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', pgError('08006')],
    ['too many connections (53300)', pgError('53300')],
    ['a serialization failure (40001)', pgError('40001')],
    ['a deadlock (40P01)', pgError('40P01')],
    ['a statement timeout (57014)', pgError('57014')],
    ['a QueryFailedError around 57P01', queryFailed(pgError('57P01'))],
    ['node-postgres losing its socket', new Error('Connection terminated unexpectedly')],
    ['the pool timing out on connect', new Error('timeout exceeded when trying to connect')],
    [
      'TypeORM after its connection broke mid-transaction',
      Object.assign(new Error('Database connection provided by a query runner was already released'), { name: 'QueryRunnerProviderAlreadyReleasedError' }),
    ],
    ['a kafkajs connection error', kafkaError('KafkaJSConnectionError', true)],
    ['kafkajs giving up on an unreachable broker', kafkaError('KafkaJSNumberOfRetriesExceeded', false, kafkaError('KafkaJSConnectionError', true))],
    ['an AbortSignal.timeout()', new DOMException('The operation timed out', 'TimeoutError')],
    ['refused on every address of a host', Object.assign(new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')]), {})],
    ['an error caused by a refused connection', new Error('could not save', { cause: socketError('ECONNREFUSED') })],
  ])('transient: %s', (_label, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['a MeshError that is not retryable', new IdentityRejected('no')],
    ['a domain refusal marked not retryable', Object.assign(new Error('cannot go from CONFIRMED to PAID'), { retryable: false })],
    ['a unique violation (23505)', pgError('23505')],
    ['a QueryFailedError around a check violation', queryFailed(pgError('23514'))],
    ['a syntax error (42601)', pgError('42601')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['an unknown error', new Error('something')],
    ['a thrown string', 'oops'],
    ['nothing', undefined],
    ['a kafkajs error that is not retriable', kafkaError('KafkaJSNonRetriableError', false)],
    ['a retryable cause behind an explicit refusal', Object.assign(new Error('refused'), { retryable: false, cause: socketError('ECONNREFUSED') })],
  ])('poison: %s', (_label, error) => {
    expect(classifyFailure(error)).toBe('poison');
  });

  it('stops at a cause cycle', () => {
    const error = new Error('a') as Error & { cause?: unknown };
    error.cause = error;
    expect(classifyFailure(error)).toBe('poison');
  });
});

describe('classifyAnswer', () => {
  it.each([500, 502, 503, 504, 408, 425, 429])('transient: %i', (status) => expect(classifyAnswer(status)).toBe('transient'));
  it.each([400, 401, 403, 404, 409, 415, 422])('poison: %i', (status) => expect(classifyAnswer(status)).toBe('poison'));
});

describe('failureCode', () => {
  it('names a failure by its stable code, never its message', () => {
    expect(failureCode(new UpstreamConnectFailure('refused at 10.0.0.1'))).toBe('upstream_connect_failure');
    expect(failureCode(queryFailed(pgError('57P01')))).toBe('57P01');
    expect(failureCode(socketError('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(failureCode(new TypeError('secret value 42'))).toBe('TypeError');
    expect(failureCode('oops')).toBe('string');
  });
});

/**
 * Failures of the infrastructure under the code rather than of the work itself, recognised by
 * their shape (no driver is imported here): they say the database, broker or network is away
 * or busy for now. `classifyFailure` calls them transient.
 */

/** Node socket and DNS errors (errno codes), and undici's connect failures. */
const TRANSIENT_SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * PostgreSQL SQLSTATEs that say "not now" rather than "never". Classes: 08 connection
 * exception, 53 insufficient resources, 58 system error; and single codes: admin/crash
 * shutdown and "cannot connect now" (57P01-57P03), a statement cancelled by its timeout
 * (57014), serialization failure and deadlock (40001, 40P01: the transaction is meant to be
 * retried), lock not available (55P03).
 */
const TRANSIENT_SQLSTATE_CLASSES: readonly string[] = ['08', '53', '58'];
const TRANSIENT_SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '57014', '40001', '40P01', '55P03']);

/**
 * node-postgres raises some connection losses without a code (the socket ended, the pool's
 * connect timed out); these are its messages, stable across its versions.
 */
const PG_CONNECTION_LOST =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Connection terminated due to connection timeout)/;

/**
 * TypeORM releases a query runner whose connection broke (its 'error' listener), so the next
 * query of that transaction fails with one of these, and the connection error itself is lost.
 * Measured: Postgres stopped under a running consumer raised QueryRunnerProviderAlreadyReleasedError.
 * (A bug that used a runner after its transaction ended would raise them too, and be retried;
 * the retrying alert shows it.)
 */
const TYPEORM_CONNECTION_RELEASED: ReadonlySet<string> = new Set(['QueryRunnerProviderAlreadyReleasedError', 'QueryRunnerAlreadyReleasedError']);

/** kafkajs errors that mean the broker is unreachable or slow, whatever their `retriable` flag says after retries ran out. */
const TRANSIENT_KAFKAJS_ERRORS: ReadonlySet<string> = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/** Whether `error` itself (not its causes) is a recognised infrastructure outage. */
export function isInfrastructureOutage(error: Record<string, unknown>): boolean {
  const code = typeof error['code'] === 'string' ? error['code'] : undefined;
  const name = typeof error['name'] === 'string' ? error['name'] : '';
  const message = typeof error['message'] === 'string' ? error['message'] : '';
  if (code !== undefined && TRANSIENT_SOCKET_CODES.has(code)) return true;
  if (code !== undefined && isSqlState(error, code)) return TRANSIENT_SQLSTATES.has(code) || TRANSIENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
  // TypeORM's QueryFailedError keeps the driver's error beside its own.
  const driverError = error['driverError'];
  if (typeof driverError === 'object' && driverError !== null && isInfrastructureOutage(driverError as Record<string, unknown>)) return true;
  if (PG_CONNECTION_LOST.test(message)) return true;
  if (TYPEORM_CONNECTION_RELEASED.has(name)) return true;
  if (name.startsWith('KafkaJS') && (error['retriable'] === true || TRANSIENT_KAFKAJS_ERRORS.has(name))) return true;
  // AbortSignal.timeout() and friends.
  if (name === 'TimeoutError') return true;
  // Node's connect to a host with several addresses fails with one error per address.
  const errors = error['errors'];
  if (Array.isArray(errors) && errors.length > 0)
    return errors.every((each) => typeof each === 'object' && each !== null && isInfrastructureOutage(each as Record<string, unknown>));
  return false;
}

/** A Postgres server error: node-postgres's DatabaseError carries the SQLSTATE in `code` and a `severity`. */
function isSqlState(error: Record<string, unknown>, code: string): boolean {
  return /^[0-9A-Z]{5}$/.test(code) && typeof error['severity'] === 'string';
}

import { headerValue, type HttpHeaders } from './http-headers';

/** The header by which a client makes a POST or PATCH safe to repeat (IETF httpapi draft). */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Methods that HTTP defines as idempotent: sending them twice has the effect of sending them once. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
/** Methods that become safe to repeat when the server deduplicates them by idempotency key. */
const KEYED_METHODS: ReadonlySet<string> = new Set(['POST', 'PATCH']);

/**
 * Whether a request may be sent again after a failure. Why it matters: a retried POST without
 * a key can charge a card twice; with a key the server answers the repeat from its record.
 *
 * @example
 * isRetryableRequest('POST', { 'idempotency-key': 'checkout-42' }); // true
 * isRetryableRequest('POST', {}); // false
 */
export function isRetryableRequest(method: string, headers: HttpHeaders): boolean {
  const verb = method.toUpperCase();
  if (IDEMPOTENT_METHODS.has(verb)) return true;
  if (!KEYED_METHODS.has(verb)) return false;
  const key = headerValue(headers, IDEMPOTENCY_KEY_HEADER);
  return key !== undefined && key.trim() !== '';
}

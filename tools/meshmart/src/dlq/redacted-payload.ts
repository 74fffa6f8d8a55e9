import { SECRET_FIELDS } from '@meshmart/mesh/tools';

const secretNames = new Set(SECRET_FIELDS.map((name) => name.toLowerCase()));
const REDACTED = '[Redacted]';
/** A payload that is not JSON is shown as text up to this length. */
const MAX_TEXT = 2_000;

/**
 * A parked message made fit to print: every field or header the service logs would redact
 * (authorization, cookies, tokens, passwords, keys) is `[Redacted]`, at any depth; JSON is
 * pretty-printed, anything else shown as text, cut to 2 000 characters.
 */
export function redactedPayload(message: { headers: Record<string, string>; value: Buffer | null }): { headers: Record<string, string>; payload: string } {
  const headers = Object.fromEntries(Object.entries(message.headers).map(([name, value]) => [name, secretNames.has(name.toLowerCase()) ? REDACTED : value]));
  if (message.value === null) return { headers, payload: '(none: a tombstone)' };
  const text = message.value.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const shown = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}… (${message.value.length} bytes)` : text;
    return { headers, payload: `(not JSON) ${JSON.stringify(shown)}` };
  }
  return { headers, payload: JSON.stringify(redact(parsed), null, 2) };
}

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, secretNames.has(key.toLowerCase()) ? REDACTED : redact(field)]));
}

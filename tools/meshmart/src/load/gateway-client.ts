import type { LoadRecorder } from './load-recorder';

export interface GatewayAnswer<T> {
  /** HTTP status, or 0 when no answer came (refused, reset, timed out). */
  status: number;
  body: T | undefined;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * The public API as a shopper's app calls it, each call timed and recorded under its operation
 * name. A call whose status is not among those `expect` lists counts as an error.
 */
export class GatewayClient {
  constructor(
    private readonly baseUrl: string,
    private readonly recorder: LoadRecorder,
  ) {}

  async call<T>(
    operation: string,
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string>; expect: readonly number[] },
  ): Promise<GatewayAnswer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const started = performance.now();
    try {
      const response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      this.recorder.request(operation, response.status, performance.now() - started, options.expect.includes(response.status));
      return { status: response.status, body: parseJson<T>(text) };
    } catch {
      this.recorder.request(operation, 0, performance.now() - started, false);
      return { status: 0, body: undefined };
    }
  }
}

function parseJson<T>(text: string): T | undefined {
  try {
    return text ? (JSON.parse(text) as T) : undefined;
  } catch {
    return undefined;
  }
}

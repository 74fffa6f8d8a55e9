import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { UpstreamConnectFailure } from '../errors/mesh-error';

/** One HTTP exchange as the transport sends it. */
export interface TransportRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  signal: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Where one attempt goes: an instance over mTLS (proxyless) or the sidecar (plain HTTP), and the pool that reaches it. */
export interface TransportTarget {
  origin: string;
  dispatcher: Dispatcher;
}

/**
 * Connection-level headers are the hop's own (RFC 9110 §7.6.1): a proxy drops them, and the
 * pool sets `content-length` from the body it sends.
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'content-length', 'expect']);

/**
 * Sends one request over a keep-alive pool and reads the whole answer. A failure to connect,
 * a broken connection or a TLS refusal becomes `UpstreamConnectFailure`, which the outlier
 * detector and the retry policy recognise; an abort by the deadline rethrows the signal's reason.
 */
export async function sendHttp(target: TransportTarget, request: TransportRequest): Promise<TransportResponse> {
  assertPlainPath(request.path);
  try {
    // The path goes out as given: resolving it as a URL would fold `..` or let `//host` pick another origin.
    const answer = await target.dispatcher.request({
      origin: target.origin,
      path: request.path,
      method: request.method as Dispatcher.HttpMethod,
      headers: endToEnd(request.headers),
      body: request.body ?? null,
      signal: request.signal,
    });
    const chunks: Buffer[] = [];
    for await (const chunk of answer.body) chunks.push(chunk as Buffer);
    return { status: answer.statusCode, headers: answer.headers, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) };
  } catch (error) {
    throw connectFailure(error, request.signal);
  }
}

function endToEnd(headers: Record<string, string>): Record<string, string> {
  for (const name in headers) {
    if (HOP_BY_HOP.has(name.toLowerCase())) return Object.fromEntries(Object.entries(headers).filter(([key]) => !HOP_BY_HOP.has(key.toLowerCase())));
  }
  return headers;
}

function connectFailure(error: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? error;
  const message = error instanceof Error ? error.message : String(error);
  return new UpstreamConnectFailure(`connection to upstream failed: ${message}`, { cause: error });
}

/** A request path, as callers pass it: `/` then no second `/`, no `.`/`..` segment, no spaces. */
export class InvalidRequestPath extends TypeError {
  override readonly name = 'InvalidRequestPath';
}

function assertPlainPath(path: string): void {
  const segments = path.split('?')[0]?.split('/') ?? [];
  if (
    !path.startsWith('/') ||
    path.startsWith('//') ||
    /\s/.test(path) ||
    segments.some((segment) => segment === '.' || segment === '..' || /^%2e(%2e)?$/i.test(segment))
  ) {
    throw new InvalidRequestPath(`refusing to send request path ${JSON.stringify(path)}: give an absolute path with no "." or ".." segments`);
  }
}

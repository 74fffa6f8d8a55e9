import { type Agent as HttpAgent, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
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

/** Where one attempt goes: an instance over mTLS (proxyless) or the sidecar (plain HTTP). */
export interface TransportTarget {
  origin: string;
  agent: HttpAgent | HttpsAgent;
}

/**
 * Sends one request over a keep-alive agent and reads the whole answer. A failure to connect,
 * a broken connection or a TLS refusal becomes `UpstreamConnectFailure`, which the outlier
 * detector and the retry policy recognise; an abort by the deadline rethrows the signal's reason.
 */
export function sendHttp(target: TransportTarget, request: TransportRequest): Promise<TransportResponse> {
  assertPlainPath(request.path);
  const origin = new URL(target.origin);
  const send = origin.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const headers = { ...request.headers, ...(request.body ? { 'content-length': String(request.body.length) } : {}) };
    // The path goes out as given: resolving it as a URL would fold `..` or let `//host` pick another origin.
    const options = { hostname: origin.hostname, port: origin.port, path: request.path, method: request.method, headers, agent: target.agent, signal: request.signal };
    const req = send(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (error) => reject(connectFailure(error, request.signal)));
    });
    req.on('error', (error) => reject(connectFailure(error, request.signal)));
    req.end(request.body);
  });
}

function connectFailure(error: Error, signal: AbortSignal): unknown {
  if (signal.aborted) return signal.reason ?? error;
  return new UpstreamConnectFailure(`connection to upstream failed: ${error.message}`, { cause: error });
}

/** A request path, as callers pass it: `/` then no second `/`, no `.`/`..` segment, no spaces. */
export class InvalidRequestPath extends TypeError {
  override readonly name = 'InvalidRequestPath';
}

function assertPlainPath(path: string): void {
  const segments = path.split('?')[0]?.split('/') ?? [];
  if (!path.startsWith('/') || path.startsWith('//') || /\s/.test(path) || segments.some((segment) => segment === '.' || segment === '..' || /^%2e(%2e)?$/i.test(segment))) {
    throw new InvalidRequestPath(`refusing to send request path ${JSON.stringify(path)}: give an absolute path with no "." or ".." segments`);
  }
}

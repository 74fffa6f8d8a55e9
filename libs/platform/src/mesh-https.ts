import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';

export interface JsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

/**
 * An HTTPS client holding one workload's certificate from a `meshmart certs` folder: what the
 * demo's operator and the tests use to call services directly over mesh mTLS. The server is
 * verified against the mesh CA and its IP SAN (the mesh library itself checks SPIFFE IDs).
 */
export class MeshHttpsClient {
  private readonly agent: Agent;

  constructor(certDir: string, workload: string) {
    this.agent = new Agent({
      ca: readFileSync(join(certDir, 'ca.crt')),
      cert: readFileSync(join(certDir, workload, 'tls.crt')),
      key: readFileSync(join(certDir, workload, 'tls.key')),
      keepAlive: true,
    });
  }

  send<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<JsonResponse<T>> {
    return sendJson<T>(method, url, body, headers, this.agent);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One JSON request over http(s); the body is parsed when it is JSON. */
export function sendJson<T = unknown>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
  agent?: Agent,
): Promise<JsonResponse<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  const allHeaders: Record<string, string> = { accept: 'application/json', ...headers };
  if (payload !== undefined) allHeaders['content-type'] ??= 'application/json';
  if (url.startsWith('http:')) {
    return fetch(url, { method, headers: allHeaders, ...(payload === undefined ? {} : { body: payload }) }).then(async (response) => ({
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: parseBody(await response.text(), response.headers.get('content-type')) as T,
    }));
  }
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: allHeaders, ...(agent ? { agent } : {}) }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parseBody(text, res.headers['content-type']) as T }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function parseBody(text: string, type: string | null | undefined): unknown {
  if (!text || !/json/.test(type ?? '')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

import { request } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method?: string;
  /** Sent as written: no URL normalisation (fetch would resolve `..` and re-encode `%`). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** A loopback source address of its own (127.0.0.0/8), to be a different client of the edge. */
  localAddress?: string;
}

/** One plain HTTP request to `origin` exactly as given, as a client that does not play by the rules would send it. */
export function rawRequest(origin: string, { method = 'GET', path, headers = {}, body, localAddress }: RawRequest): Promise<RawAnswer> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, ...(localAddress ? { localAddress } : {}), agent: false }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

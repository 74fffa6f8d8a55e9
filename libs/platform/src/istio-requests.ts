import type { AppProcess } from './app-process';
import type { MeshHttpsClient } from './mesh-https';

/** One `istio_requests_total` sample of a Prometheus text exposition. */
export interface IstioRequestSample {
  labels: Record<string, string>;
  value: number;
  /** The line as exposed, for messages. */
  line: string;
}

const SAMPLE = /^istio_requests_total\{([^}]*)\}\s+(\d+(?:\.\d+)?)/;

/** Reads an instance's own `/metrics` (over mTLS as the client's identity) and returns its `istio_requests_total` samples. */
export async function readIstioRequests(client: MeshHttpsClient, app: AppProcess): Promise<IstioRequestSample[]> {
  const response = await client.send<string>('GET', `${app.url}/metrics`, undefined, { accept: 'text/plain' });
  return String(response.body)
    .split('\n')
    .flatMap((line) => {
      const match = SAMPLE.exec(line);
      if (!match?.[1] || !match[2]) return [];
      const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
      return [{ labels, value: Number(match[2]), line }];
    });
}

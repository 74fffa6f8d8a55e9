import type { AppProcess, Platform } from '@meshmart/testing';

const SAMPLE = /^istio_requests_total\{([^}]*)\}\s+(\d+(?:\.\d+)?)/;

/** Requests an instance answered, by calling workload, read from its own `/metrics` (reporter="destination"). */
export async function servedRequests(platform: Platform, app: AppProcess): Promise<Map<string, number>> {
  const response = await platform.operator.send<string>('GET', `${app.url}/metrics`, undefined, { accept: 'text/plain' });
  const counts = new Map<string, number>();
  for (const line of String(response.body).split('\n')) {
    const match = SAMPLE.exec(line);
    if (!match?.[1] || !match[2]) continue;
    const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels['reporter'] !== 'destination' || labels['source_workload'] === 'operator') continue;
    const source = labels['source_workload'] ?? 'unknown';
    counts.set(source, (counts.get(source) ?? 0) + Number(match[2]));
  }
  return counts;
}

import { type AppProcess, type Platform, readIstioRequests } from '@meshmart/platform';

/** Requests an instance answered, by calling workload, read from its own `/metrics` (reporter="destination"). */
export async function servedRequests(platform: Platform, app: AppProcess): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const { labels, value } of await readIstioRequests(platform.operator, app)) {
    if (labels['reporter'] !== 'destination' || labels['source_workload'] === 'operator') continue;
    const source = labels['source_workload'] ?? 'unknown';
    counts.set(source, (counts.get(source) ?? 0) + value);
  }
  return counts;
}

import { prometheusUnavailable } from './console-problems';

/** One sample of an instant vector. */
export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

/** One alerting rule, as Prometheus's `/api/v1/rules` reports it. */
export interface PromAlertRule {
  name: string;
  state: 'firing' | 'pending' | 'inactive';
  query: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: { labels: Record<string, string>; annotations?: Record<string, string>; state: string; activeAt: string; value: string }[];
}

interface PromEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

/** The read-only part of Prometheus's HTTP API the console uses; any failure is a 503 problem naming Prometheus. */
export class PrometheusClient {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 4_000,
  ) {}

  async query(expr: string): Promise<PromSample[]> {
    const data = await this.get<{ result: { metric: Record<string, string>; value: [number, string] }[] }>('/api/v1/query', { query: expr });
    return data.result.map((sample) => ({ metric: sample.metric, value: Number(sample.value[1]) }));
  }

  /** Series over `[start, end]` (seconds) at `stepSeconds`, as `[time, value][]` per series. */
  async queryRange(expr: string, start: number, end: number, stepSeconds: number): Promise<{ metric: Record<string, string>; values: [number, number][] }[]> {
    const data = await this.get<{ result: { metric: Record<string, string>; values: [number, string][] }[] }>('/api/v1/query_range', {
      query: expr,
      start: String(start),
      end: String(end),
      step: String(stepSeconds),
    });
    return data.result.map((series) => ({ metric: series.metric, values: series.values.map(([time, value]) => [time, Number(value)]) }));
  }

  async alertRules(): Promise<PromAlertRule[]> {
    const data = await this.get<{ groups: { rules: (PromAlertRule & { type: string })[] }[] }>('/api/v1/rules', { type: 'alert' });
    return data.groups.flatMap((group) => group.rules.filter((rule) => rule.type === 'alerting'));
  }

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = new URL(path, this.url);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    let body: PromEnvelope<T>;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
      body = (await response.json()) as PromEnvelope<T>;
    } catch (error) {
      throw prometheusUnavailable(this.url, error instanceof Error ? error.message : String(error));
    }
    if (body.status !== 'success') throw prometheusUnavailable(this.url, `query refused: ${body.error ?? 'no reason given'}`);
    return body.data;
  }
}

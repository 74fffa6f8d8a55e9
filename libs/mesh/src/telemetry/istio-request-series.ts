import type { Registry } from 'prom-client';
import { type IstioRequestLabel, istioRequestLabels, type MeshPeer, type MeshRequestRecord } from './istio-labels';

type Labels = Record<IstioRequestLabel, string>;

/** Observations of one histogram of one series: per-bucket counts (last is +Inf) and the sum. */
interface Distribution {
  counts: number[];
  sum: number;
}

interface Series {
  labels: Labels;
  count: number;
  duration: Distribution;
  requestBytes: Distribution;
  responseBytes: Distribution;
}

interface MetricDefinition {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
}

interface MetricValue {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

/**
 * Istio's four request metrics, counted per label set in plain numbers and rendered in
 * Prometheus' format at scrape time. Why not prom-client's Counter and Histograms: they hash
 * all 25 Istio labels on every observation of each of the four metrics, and on a busy hop that
 * was the largest cost the mesh added to a call; here a request costs one map lookup by a key
 * made of the label inputs, and the labels themselves are computed once per series.
 */
export class IstioRequestSeries {
  private readonly series = new Map<string, Series>();
  /**
   * The same series, found by the identity of the record's peer objects and then its few
   * per-request labels: callers keep their peers (they are the same for every request of a
   * route), and this lookup skips building the full key of ~20 labels per request.
   */
  private byPeers = new WeakMap<MeshPeer, WeakMap<MeshPeer, Map<string, Series>>>();

  constructor(
    private readonly cluster: string,
    private readonly durationBuckets: readonly number[],
    private readonly sizeBuckets: readonly number[],
  ) {}

  record(record: MeshRequestRecord): void {
    const series = this.seriesOf(record);
    series.count += 1;
    observe(series.duration, this.durationBuckets, record.durationMs);
    observe(series.requestBytes, this.sizeBuckets, record.requestBytes);
    observe(series.responseBytes, this.sizeBuckets, record.responseBytes);
  }

  private seriesOf(record: MeshRequestRecord): Series {
    let byDestination = this.byPeers.get(record.source);
    if (!byDestination) this.byPeers.set(record.source, (byDestination = new WeakMap()));
    let byOutcome = byDestination.get(record.destination);
    if (!byOutcome) byDestination.set(record.destination, (byOutcome = new Map()));
    const outcome = `${record.reporter} ${record.protocol ?? ''} ${record.responseCode} ${record.responseFlags ?? ''} ${record.mtls}`;
    let series = byOutcome.get(outcome);
    if (series) return series;
    series = this.seriesByKey(record);
    byOutcome.set(outcome, series);
    return series;
  }

  private seriesByKey(record: MeshRequestRecord): Series {
    const key = seriesKey(record);
    let series = this.series.get(key);
    if (!series) {
      series = {
        labels: istioRequestLabels(record, this.cluster),
        count: 0,
        duration: emptyDistribution(this.durationBuckets),
        requestBytes: emptyDistribution(this.sizeBuckets),
        responseBytes: emptyDistribution(this.sizeBuckets),
      };
      this.series.set(key, series);
    }
    return series;
  }

  /** Registers the four metrics, as prom-client renders any metric, in `registry`. */
  registerIn(
    registry: Registry,
    definitions: { requests: MetricDefinition; duration: MetricDefinition; requestBytes: MetricDefinition; responseBytes: MetricDefinition },
  ): void {
    const all = () => [...this.series.values()];
    this.register(registry, definitions.requests, () => all().map((s) => ({ labels: s.labels, value: s.count })));
    this.register(registry, definitions.duration, () =>
      all().flatMap((s) => histogramValues(definitions.duration.name, s.labels, s.duration, this.durationBuckets)),
    );
    this.register(registry, definitions.requestBytes, () =>
      all().flatMap((s) => histogramValues(definitions.requestBytes.name, s.labels, s.requestBytes, this.sizeBuckets)),
    );
    this.register(registry, definitions.responseBytes, () =>
      all().flatMap((s) => histogramValues(definitions.responseBytes.name, s.labels, s.responseBytes, this.sizeBuckets)),
    );
  }

  private register(registry: Registry, definition: MetricDefinition, values: () => MetricValue[]): void {
    const reset = () => {
      this.series.clear();
      this.byPeers = new WeakMap();
    };
    const metric = { ...definition, aggregator: 'sum', get: async () => ({ ...definition, aggregator: 'sum', values: values() }), reset };
    registry.registerMetric(metric as unknown as Parameters<Registry['registerMetric']>[0]);
  }
}

function emptyDistribution(buckets: readonly number[]): Distribution {
  return { counts: new Array<number>(buckets.length + 1).fill(0), sum: 0 };
}

function observe(distribution: Distribution, buckets: readonly number[], value: number): void {
  let index = 0;
  while (index < buckets.length && value > (buckets[index] ?? Infinity)) index += 1;
  distribution.counts[index] = (distribution.counts[index] ?? 0) + 1;
  distribution.sum += value;
}

function histogramValues(name: string, labels: Labels, distribution: Distribution, buckets: readonly number[]): MetricValue[] {
  const values: MetricValue[] = [];
  let cumulative = 0;
  buckets.forEach((bound, index) => {
    cumulative += distribution.counts[index] ?? 0;
    values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bound }, value: cumulative });
  });
  cumulative += distribution.counts[buckets.length] ?? 0;
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: cumulative });
  values.push({ metricName: `${name}_sum`, labels, value: distribution.sum });
  values.push({ metricName: `${name}_count`, labels, value: cumulative });
  return values;
}

const FIELD = '\u0001';

function peerKey(peer: MeshPeer): string {
  return [peer.workload, peer.namespace, peer.principal, peer.app, peer.version, peer.canonicalService, peer.canonicalRevision, peer.cluster].join(FIELD);
}

/** Everything `istioRequestLabels` reads, so equal keys always mean equal labels. */
function seriesKey(record: MeshRequestRecord): string {
  const destination = record.destination;
  return [
    record.reporter,
    record.protocol,
    record.responseCode,
    record.responseFlags,
    record.mtls,
    peerKey(record.source),
    peerKey(destination),
    destination.service,
    destination.serviceHost,
  ].join('\u0002');
}

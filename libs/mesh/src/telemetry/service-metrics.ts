import { Counter, type CounterConfiguration, Gauge, type GaugeConfiguration, Histogram, type HistogramConfiguration, type Metric, register } from 'prom-client';

/**
 * A service's own metrics — its business (carts, orders, sagas) and its messaging (produced,
 * consumed, lag) — live in prom-client's default registry, which every `MeshMetrics` scrape
 * appends to the mesh's own series: code that cannot reach the `MeshRuntime` (a Kafka consumer,
 * an outbox publisher) can still count. Each metric is made once per process and shared after
 * (get-or-create), so a module set up twice, as two app instances in one test process are,
 * counts into one metric instead of failing on a duplicate name.
 *
 * @example
 * const placed = serviceCounter({ name: 'meshmart_orders_placed_total', help: 'Orders placed.' });
 * placed.inc();
 */
export function serviceCounter<L extends string = string>(config: CounterConfiguration<L>): Counter<L> {
  return existing(config.name, Counter) ?? new Counter(config);
}

/** As `serviceCounter`, for a gauge. */
export function serviceGauge<L extends string = string>(config: GaugeConfiguration<L>): Gauge<L> {
  return existing(config.name, Gauge) ?? new Gauge(config);
}

/** As `serviceCounter`, for a histogram. */
export function serviceHistogram<L extends string = string>(config: HistogramConfiguration<L>): Histogram<L> {
  return existing(config.name, Histogram) ?? new Histogram(config);
}

/** The service metrics in Prometheus text format. */
export function serviceMetricsText(): Promise<string> {
  return register.metrics();
}

function existing<M extends Metric>(name: string, kind: abstract new (...args: never[]) => M): M | undefined {
  const metric = register.getSingleMetric(name);
  if (metric === undefined) return undefined;
  if (!(metric instanceof kind)) throw new TypeError(`metric ${name} is already registered as another kind`);
  return metric;
}

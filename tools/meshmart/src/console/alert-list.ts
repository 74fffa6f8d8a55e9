import type { PrometheusClient } from './prometheus-client';

export interface AlertRow {
  name: string;
  state: 'firing' | 'pending' | 'inactive';
  severity: string;
  /** The firing alert's summary as Prometheus rendered it, else the rule's, its placeholders named. */
  summary: string;
  /** The alert's instances in this namespace (or without a namespace label), with their labels. */
  active: { labels: Record<string, string>; state: string; since: string; value: string; summary: string }[];
}

/** The labels that say which namespace an alert is about (the scrape's, or Istio's destination's). */
const NAMESPACE_LABELS = ['namespace', 'destination_workload_namespace', 'source_workload_namespace'];

/** Every alerting rule Prometheus evaluates, firing first, with its summary; instances of other namespaces left out. */
export async function readAlerts(prometheus: PrometheusClient, namespace: string): Promise<AlertRow[]> {
  const rules = await prometheus.alertRules();
  const order = { firing: 0, pending: 1, inactive: 2 };
  return rules
    .map((rule) => {
      const active = rule.alerts
        .filter((alert) => NAMESPACE_LABELS.every((label) => alert.labels[label] === undefined || alert.labels[label] === namespace))
        .map((alert) => ({
          labels: alert.labels,
          state: alert.state,
          since: alert.activeAt,
          value: alert.value,
          summary: alert.annotations?.['summary'] ?? '',
        }));
      const state: AlertRow['state'] = active.some((alert) => alert.state === 'firing') ? 'firing' : active.length > 0 ? 'pending' : 'inactive';
      const template = rule.annotations['summary'] ?? rule.annotations['description'] ?? '';
      return { name: rule.name, state, severity: rule.labels['severity'] ?? '', summary: active[0]?.summary || namePlaceholders(template), active };
    })
    .sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name));
}

/** `{{ $labels.destination_workload }}` → `<destination_workload>`, `{{ $value | … }}` → `<value>`: a rule's summary readable before it fires. */
function namePlaceholders(template: string): string {
  return template
    .replace(/\{\{\s*\$labels\.([a-zA-Z_]+)\s*\}\}/g, '<$1>')
    .replace(/\{\{\s*\$value[^}]*\}\}/g, '<value>')
    .replace(/\{\{[^}]*\}\}/g, '…');
}

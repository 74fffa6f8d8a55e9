import { describe, expect, it } from 'vitest';
import { readAlerts } from './alert-list';
import type { PromAlertRule, PrometheusClient } from './prometheus-client';

const rule = (
  name: string,
  alerts: PromAlertRule['alerts'],
  summary = '{{ $labels.destination_workload }} answers {{ $value | humanizePercentage }} 5xx',
): PromAlertRule => ({ name, state: 'inactive', query: 'x', labels: { severity: 'warning' }, annotations: { summary }, alerts });
const prometheusWith = (rules: PromAlertRule[]) => ({ alertRules: () => Promise.resolve(rules) }) as unknown as PrometheusClient;
const alert = (labels: Record<string, string>, state: string, summary: string) => ({
  labels,
  annotations: { summary },
  state,
  activeAt: '2026-11-29T22:00:00Z',
  value: '1',
});

describe('readAlerts', () => {
  it('puts firing rules first with their rendered summary, and names the placeholders of quiet ones', async () => {
    const rows = await readAlerts(
      prometheusWith([
        rule('Quiet', []),
        rule('Pending', [alert({ namespace: 'meshmart' }, 'pending', 'soon')]),
        rule('Firing', [alert({ destination_workload_namespace: 'meshmart', destination_workload: 'cart-service' }, 'firing', 'cart-service answers 7% 5xx')]),
      ]),
      'meshmart',
    );
    expect(rows.map((row) => [row.name, row.state, row.summary])).toEqual([
      ['Firing', 'firing', 'cart-service answers 7% 5xx'],
      ['Pending', 'pending', 'soon'],
      ['Quiet', 'inactive', '<destination_workload> answers <value> 5xx'],
    ]);
  });

  it('leaves out the alerts of other namespaces, keeping those without one', async () => {
    const [row] = await readAlerts(
      prometheusWith([
        rule('Mixed', [
          alert({ namespace: 'e2e-1' }, 'firing', 'theirs'),
          alert({ source_workload_namespace: 'meshmart' }, 'pending', 'ours'),
          alert({}, 'pending', 'global'),
        ]),
      ]),
      'meshmart',
    );
    expect(row?.state).toBe('pending');
    expect(row?.active.map((a) => a.summary)).toEqual(['ours', 'global']);
  });
});

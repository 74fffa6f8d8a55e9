import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@meshmart/platform';

/** Values for the dashboards' template variables; a regex each, as Grafana's "All" (`.*`) is. */
export interface DashboardVariables {
  namespace: string;
  service: string;
  instance: string;
}

/** One PromQL query of one panel, with every variable replaced, ready for Prometheus's API. */
export interface PanelQuery {
  /** Dashboard file name, e.g. `mesh-overview.json`. */
  dashboard: string;
  /** Panel title (`Row / Panel` for a panel kept inside a collapsed row). */
  panel: string;
  expr: string;
}

interface Panel {
  type?: string;
  title?: string;
  panels?: Panel[];
  targets?: { expr?: string }[];
}

/**
 * What Grafana puts in for its built-in variables. `$__rate_interval` is at least four scrapes
 * (of 5 s locally) and `$__range` the time range, here a few minutes around the test's traffic.
 */
const builtIns: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '5m' };

const defaultDir = join(findWorkspaceRoot(__dirname), 'infra', 'grafana', 'dashboards');

/**
 * Every panel query of every dashboard in infra/grafana/dashboards, variables replaced, so a
 * test can run each against the real Prometheus. Throws on a panel without a query and on a
 * variable it does not know, so a dashboard change cannot quietly skip a query.
 *
 * @example
 * for (const { dashboard, panel, expr } of panelQueries({ namespace: 'meshmart', service: '.*', instance: '.*' })) {
 *   console.log(dashboard, panel, expr);
 * }
 */
export function panelQueries(values: DashboardVariables, dir: string = defaultDir): PanelQuery[] {
  const variables: Record<string, string> = { ...builtIns, namespace: values.namespace, service: values.service, instance: values.instance };
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  return files.flatMap((dashboard) => {
    const { panels = [] } = JSON.parse(readFileSync(join(dir, dashboard), 'utf8')) as { panels?: Panel[] };
    return queriesOf(panels, dashboard, '').map(({ panel, expr }) => ({ dashboard, panel, expr: substitute(expr, variables, `${dashboard} / ${panel}`) }));
  });
}

function queriesOf(panels: Panel[], dashboard: string, rowTitle: string): { panel: string; expr: string }[] {
  return panels.flatMap((panel) => {
    const title = rowTitle ? `${rowTitle} / ${panel.title ?? ''}` : (panel.title ?? '');
    // A row holds its panels itself only while collapsed; open, they follow it at the top level.
    if (panel.type === 'row') return queriesOf(panel.panels ?? [], dashboard, panel.title ?? '');
    const exprs = (panel.targets ?? []).map((target) => target.expr?.trim() ?? '');
    if (exprs.length === 0 || exprs.some((expr) => expr === '')) throw new Error(`${dashboard} / ${title}: a panel target without a PromQL expression`);
    return exprs.map((expr) => ({ panel: title, expr }));
  });
}

function substitute(expr: string, variables: Record<string, string>, where: string): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (match, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const value = variables[name];
    if (value === undefined) throw new Error(`${where}: unknown variable ${match} in ${expr}`);
    return value;
  });
}

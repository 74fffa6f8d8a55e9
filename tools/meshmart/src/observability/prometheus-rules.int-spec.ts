import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

const root = findWorkspaceRoot(__dirname);
const rulesDir = join(root, 'infra', 'prometheus', 'rules');
const testsDir = join(rulesDir, 'tests');
const install = 'apt-get update -qq && apt-get install -y --no-install-recommends prometheus';

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[];
}
interface RuleTestFile {
  rule_files: string[];
  tests: {
    name?: string;
    input_series?: unknown[];
    alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[];
    promql_expr_test?: { expr: string }[];
  }[];
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .map((name) => join(dir, name));
const readYaml = <T>(file: string) => parse(readFileSync(file, 'utf8')) as T;

// Prometheus loads `rules/*.yml`: the rule files, never the tests beside them in tests/.
const ruleFiles = yamlFiles(rulesDir);
const testFiles = yamlFiles(testsDir);
const rules = ruleFiles.flatMap((file) => readYaml<RuleFile>(file).groups.flatMap((group) => group.rules));
const alerts = rules.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined);
const records = rules.flatMap((rule) => (rule.record ? [rule.record] : []));
const tests = testFiles.map((file) => readYaml<RuleTestFile>(file));

function promtool(...args: string[]) {
  const result = spawnSync('promtool', args, { cwd: rulesDir, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('Prometheus rules (infra/prometheus/rules)', () => {
  beforeAll(() => {
    // The rules are only as good as the real promtool says: never skip for want of it.
    const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (version.error || version.status !== 0)
      throw new Error(`promtool is required to check the Prometheus rules but was not found on PATH: install it with \`${install}\``);
  });

  it('has rule files and tests to check', () => {
    expect(alerts.length).toBeGreaterThan(0);
    expect(records.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
  });

  it('passes promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', ...ruleFiles);
    expect(status, output).toBe(0);
  });

  it('passes promtool test rules', () => {
    const { status, output } = promtool('test', 'rules', ...testFiles);
    expect(status, output).toBe(0);
  });

  it('loads every rule file in some test file', () => {
    const tested = new Set(tests.flatMap((spec) => spec.rule_files.map((ruleFile) => resolve(testsDir, ruleFile))));
    expect(ruleFiles.filter((file) => !tested.has(file)).map((file) => relative(root, file))).toEqual([]);
  });

  it('gives every alert a duration, a severity and annotations that say who', () => {
    for (const alert of alerts) {
      expect(alert.for, alert.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], alert.alert).toContain(alert.labels?.['severity']);
      expect(alert.annotations?.['summary'], alert.alert).toMatch(/\{\{ \$labels\.\w+ \}\}/);
      expect(alert.annotations?.['description'], alert.alert).toMatch(/\{\{ \$labels\.\w+ \}\}/);
    }
  });

  it('tests every alert firing and staying quiet on healthy input', () => {
    const firing = new Set<string>();
    const quiet = new Set<string>();
    for (const spec of tests) {
      for (const group of spec.tests) {
        for (const check of group.alert_rule_test ?? []) {
          if ((check.exp_alerts ?? []).length > 0) firing.add(check.alertname);
          // Quiet on no input at all proves nothing: the healthy case has series.
          else if ((group.input_series ?? []).length > 0) quiet.add(check.alertname);
        }
      }
    }
    const names = alerts.map((alert) => alert.alert);
    expect(
      names.filter((name) => !firing.has(name)),
      'alerts without a firing case',
    ).toEqual([]);
    expect(
      names.filter((name) => !quiet.has(name)),
      'alerts without a quiet case',
    ).toEqual([]);
  });

  it('tests every recording rule with a PromQL expression test', () => {
    const exprs = tests.flatMap((spec) => spec.tests.flatMap((group) => (group.promql_expr_test ?? []).map((check) => check.expr)));
    // Recorded names hold only [a-zA-Z0-9_:], so they go into the pattern as they are.
    const tested = (record: string) => exprs.some((expr) => new RegExp(`(?<![\\w:])${record}(?![\\w:])`).test(expr));
    expect(records.filter((record) => !tested(record))).toEqual([]);
  });
});

describe('the local Prometheus config (infra/prometheus/prometheus.yml)', () => {
  it('passes promtool check config as the stack runs it, certificates and rules included', async () => {
    // `stack up` copies it beside the rules and next to the certs and targets its relative paths name.
    const config = join(dirname((await useStack()).prometheus.fileSdDir), 'prometheus.yml');
    expect(readFileSync(config, 'utf8')).toBe(readFileSync(join(root, 'infra', 'prometheus', 'prometheus.yml'), 'utf8'));
    const { status, output } = promtool('check', 'config', config);
    expect(output).toMatch(/SUCCESS: .*prometheus\.yml is valid prometheus config file syntax/);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status, output).toBe(0);
  });
});

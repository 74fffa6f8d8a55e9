import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { parseTrafficPolicy } from '@meshmart/mesh/tools';
import { findWorkspaceRoot } from '@meshmart/platform';
import { parseFaultArgs, runFaultCommand } from './fault-command';
import { parseTrafficArgs, runTrafficCommand } from './traffic-command';

/** No etcd behind it: bad input must be refused before any connection. */
const nowhere = { etcd: ['http://127.0.0.1:1'], namespace: 'meshmart' };

async function run(command: typeof runTrafficCommand, args: string[]) {
  const lines = { info: [] as string[], error: [] as string[] };
  const code = await command(args, nowhere, { info: (line) => lines.info.push(line), error: (line) => lines.error.push(line) });
  return { code, ...lines };
}

const folder = mkdtempSync(join(tmpdir(), 'meshmart-traffic-'));
const twoDocuments = join(folder, 'two.yaml');
writeFileSync(twoDocuments, 'a: 1\n---\nb: 2\n');
const brokenYaml = join(folder, 'broken.yaml');
writeFileSync(brokenYaml, 'spec: [unclosed\n');

describe('meshmart traffic arguments', () => {
  it.each([
    [[], 'say what to do: apply, get or delete'],
    [['show'], 'unknown action "show": use apply, get or delete'],
    [['apply'], 'apply needs a file: meshmart traffic apply -f infra/traffic/<service>.yaml'],
    [['apply', 'payment.yaml'], 'unexpected argument "payment.yaml"'],
    [['get', '-f', 'x.yaml'], '-f belongs to apply'],
    [['get', 'Payment_Service'], '"Payment_Service" is not a service name'],
    [['delete'], 'delete needs a service: meshmart traffic delete <service>'],
    [['delete', 'a', 'b'], 'unexpected argument "b"'],
    [['apply', '-f', join(folder, 'missing.yaml')], 'missing.yaml: ENOENT'],
    [['apply', '-f', twoDocuments], 'give one policy per file (found 2 documents)'],
    [['apply', '-f', brokenYaml], 'broken.yaml: not valid YAML'],
    [['get', '--bogus'], "Unknown option '--bogus'"],
  ])('%j: one clear line, exit 2', async (args, message) => {
    const { code, info, error } = await run(runTrafficCommand, args);
    expect(code).toBe(2);
    expect(info).toEqual([]);
    expect(error).toHaveLength(1);
    expect(error[0]).toContain(message);
  });

  it('reads what an operator means', () => {
    expect(parseTrafficArgs(['apply', '-f', 'p.yaml'])).toEqual({ action: 'apply', file: 'p.yaml' });
    expect(parseTrafficArgs(['get'])).toEqual({ action: 'get', service: undefined });
    expect(parseTrafficArgs(['get', 'payment-service'])).toEqual({ action: 'get', service: 'payment-service' });
    expect(parseTrafficArgs(['delete', 'payment-service'])).toEqual({ action: 'delete', service: 'payment-service' });
  });
});

describe('meshmart fault arguments', () => {
  it.each([
    [[], 'name the service'],
    [['inventory-service'], 'give --abort STATUS, --delay DURATION or both'],
    [['inventory-service', '--abort', '503'], '--percent is required'],
    [['inventory-service', '--abort', '99', '--percent', '20'], '--abort takes an HTTP status from 200 to 599, not "99"'],
    [['inventory-service', '--abort', '503', '--percent', '120'], '--percent takes a number above 0 and at most 100, not "120"'],
    [['inventory-service', '--abort', '503', '--percent', '0'], '--percent takes a number above 0'],
    [['inventory-service', '--delay', 'two', '--percent', '10'], '--delay takes a duration such as 250ms, 2s or 1m, not "two"'],
    [['inventory-service', '--abort', '503', '--percent', '20', '--for', '500ms'], '--for takes a duration of at least 1s'],
    [['inventory-service', '--clear', '--abort', '503'], '--clear takes no --abort'],
    [['inventory-service', 'extra', '--clear'], 'unexpected argument "extra"'],
  ])('%j: one clear line, exit 2', async (args, message) => {
    const { code, info, error } = await run(runFaultCommand, args);
    expect(code).toBe(2);
    expect(info).toEqual([]);
    expect(error).toHaveLength(1);
    expect(error[0]).toContain(message);
  });

  it('builds the fault a route would carry, lasting 60 s unless told', () => {
    expect(parseFaultArgs(['inventory-service', '--abort', '503', '--percent', '20', '--for', '2m'])).toEqual({
      service: 'inventory-service',
      clear: false,
      forSeconds: 120,
      fault: { abort: { httpStatus: 503, percentage: { value: 20 } } },
    });
    expect(parseFaultArgs(['inventory-service', '--delay', '2s', '--percent', '10'])).toEqual({
      service: 'inventory-service',
      clear: false,
      forSeconds: 60,
      fault: { delay: { fixedDelay: '2s', percentage: { value: 10 } } },
    });
    expect(parseFaultArgs(['inventory-service', '--clear'])).toEqual({ service: 'inventory-service', clear: true });
  });
});

describe('infra/traffic', () => {
  const root = findWorkspaceRoot(__dirname);
  const files = readdirSync(join(root, 'infra', 'traffic')).filter((file) => file.endsWith('.yaml'));

  it.each(files)('%s is a valid policy for the service it is named after', (file) => {
    const policy = parseTrafficPolicy(YAML.parse(readFileSync(join(root, 'infra', 'traffic', file), 'utf8')));
    expect(`${policy.spec.host}.yaml`).toBe(file);
  });

  it('holds the payment-service canary and the inventory-service locality policy', () => {
    expect(files).toEqual(expect.arrayContaining(['payment-service.yaml', 'inventory-service.yaml']));
  });
});

import { describe, expect, it } from 'vitest';
import { UsageError } from '../command-line/command-line';
import { parseKafkaArgs, runKafkaCommand } from './kafka-command';

describe('meshmart kafka: its command line', () => {
  it('takes drop and one prefix ending in "." or "-"', () => {
    expect(parseKafkaArgs(['drop', 'e2e-3fa1c2.'])).toBe('e2e-3fa1c2.');
    expect(parseKafkaArgs(['drop', 'bench-'])).toBe('bench-');
  });

  it.each([
    [[], 'say what to do: drop <prefix>'],
    [['list'], 'unknown action "list": drop <prefix>'],
    [['drop'], 'drop needs the prefix, e.g. e2e-3fa1c2.'],
    [['drop', 'a.', 'b.'], 'one prefix at a time, not also b.'],
    [['drop', 'orders'], '"orders" must end in "." or "-", so that it names one platform\'s topics and groups'],
    [['drop', '.'], '"." must end in "." or "-", so that it names one platform\'s topics and groups'],
    [['drop', 'e2e/x.'], '"e2e/x." cannot begin Kafka names: letters, digits, ".", "_" and "-" only, at most 100'],
    [['drop', 'orders.'], '"orders." begins orders.v1, a name every platform uses: give the platform\'s own prefix'],
    [['drop', 'order-service.'], '"order-service." begins order-service., a name every platform uses: give the platform\'s own prefix'],
    [['drop', 'order-'], '"order-" begins order-service., a name every platform uses: give the platform\'s own prefix'],
  ])('refuses %j: %s', (argv, message) => {
    expect(() => parseKafkaArgs(argv)).toThrow(new UsageError(message));
  });

  it('answers a mistake with one line and exit 2, before reaching any broker', async () => {
    const lines: string[] = [];
    const code = await runKafkaCommand(['drop', 'orders'], ['127.0.0.1:1'], { info: (line) => lines.push(line), error: (line) => lines.push(line) });
    expect({ code, lines }).toEqual({
      code: 2,
      lines: ['meshmart kafka: "orders" must end in "." or "-", so that it names one platform\'s topics and groups (meshmart kafka --help)'],
    });
  });
});

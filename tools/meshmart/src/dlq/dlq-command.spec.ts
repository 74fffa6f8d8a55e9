import { describe, expect, it } from 'vitest';
import { parseDlqArgs, runDlqCommand } from './dlq-command';

/** Runs the command with no broker behind it: a bad command line must fail before any connection. */
async function run(args: string[]) {
  const lines = { info: [] as string[], error: [] as string[] };
  const code = await runDlqCommand(args, ['127.0.0.1:1'], { info: (line) => lines.info.push(line), error: (line) => lines.error.push(line) });
  return { code, ...lines };
}

describe('meshmart dlq arguments', () => {
  it.each([
    [[], 'say what to do: list, show or replay'],
    [['list'], 'list needs a topic, e.g. orders.v1'],
    [['peek', 'orders.v1'], 'unknown action "peek": use list, show or replay'],
    [['list', 'orders v1'], '"orders v1" is not a Kafka topic name'],
    [['list', 'orders.v1.dlq'], 'give the original topic (orders.v1), not its dead-letter topic'],
    [['list', 'orders.v1', 'extra'], 'unexpected argument "extra"'],
    [['list', 'orders.v1', '--all'], '--offset and --all belong to replay'],
    [['show', 'orders.v1'], 'show needs an offset: meshmart dlq show <topic> <offset>'],
    [['show', 'orders.v1', 'abc'], '"abc" is not an offset (a whole number, 0 or more)'],
    [['show', 'orders.v1', '-1'], "Unknown option '-1'"],
    [['replay', 'orders.v1'], 'replay needs --offset N (repeatable) or --all'],
    [['replay', 'orders.v1', '--all', '--offset', '1'], 'replay takes --offset N or --all, not both'],
    [['replay', 'orders.v1', '--offset', '1.5'], '"1.5" is not an offset'],
    [['list', 'orders.v1', '--bogus'], "Unknown option '--bogus'"],
  ])('%j: one clear line, exit 2', async (args, message) => {
    const { code, info, error } = await run(args);
    expect(code).toBe(2);
    expect(info).toEqual([]);
    expect(error).toHaveLength(1);
    expect(error[0]).toContain(message);
  });

  it('--help prints the usage, exit 0', async () => {
    const { code, info } = await run(['--help']);
    expect(code).toBe(0);
    expect(info[0]).toMatch(/^usage: meshmart dlq/);
  });

  it('reads what an operator means', () => {
    expect(parseDlqArgs(['list', 'orders.v1'])).toEqual({ action: 'list', topic: 'orders.v1' });
    expect(parseDlqArgs(['show', 'orders.v1', '007'])).toEqual({ action: 'show', topic: 'orders.v1', offset: '7' });
    expect(parseDlqArgs(['replay', 'orders.v1', '--offset', '3', '--offset', '5'])).toEqual({ action: 'replay', topic: 'orders.v1', offsets: ['3', '5'] });
    expect(parseDlqArgs(['replay', 'orders.v1', '--all'])).toEqual({ action: 'replay', topic: 'orders.v1', offsets: 'all' });
  });
});

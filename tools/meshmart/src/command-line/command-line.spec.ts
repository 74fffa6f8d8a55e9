import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CommandOutput, readCommandLine, textTable, UsageError, usageMistake } from './command-line';

function capture(): CommandOutput & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return { errors, infos, info: (line) => infos.push(line), error: (line) => errors.push(line) };
}

describe('usageMistake', () => {
  it('answers a UsageError with its first line, a pointer to --help and exit code 2', () => {
    const io = capture();
    expect(usageMistake('dlq', new UsageError('replay needs --offset N\nmore detail'), io)).toBe(2);
    expect(io.errors).toEqual(['meshmart dlq: replay needs --offset N (meshmart dlq --help)']);
  });

  it("answers parseArgs' own mistakes (an unknown option) the same way", () => {
    const io = capture();
    let thrown: unknown;
    try {
      parseArgs({ args: ['--nope'], options: {}, strict: true });
    } catch (error) {
      thrown = error;
    }
    expect(usageMistake('traffic', thrown, io)).toBe(2);
    expect(io.errors).toEqual([expect.stringMatching(/^meshmart traffic: Unknown option '--nope'.* \(meshmart traffic --help\)$/)]);
  });

  it('rethrows anything that is not a mistake on the command line, printing nothing', () => {
    const io = capture();
    const failure = new Error('broker unreachable');
    expect(() => usageMistake('dlq', failure, io)).toThrow(failure);
    expect(() => usageMistake('dlq', new TypeError('a bug'), io)).toThrow('a bug');
    expect(io.errors).toEqual([]);
  });
});

describe('readCommandLine', () => {
  const parse = (argv: readonly string[]) => {
    if (argv[0] !== 'drop') throw new UsageError(`unknown action "${argv[0] ?? ''}"`);
    return { prefix: argv[1] };
  };

  it('hands back what the parser made of the arguments', () => {
    const io = capture();
    expect(readCommandLine('kafka', 'usage: …', ['drop', 'e2e-1.'], parse, io)).toEqual({ parsed: { prefix: 'e2e-1.' } });
    expect([io.infos, io.errors]).toEqual([[], []]);
  });

  it('prints the usage for --help or help, exit 0, without parsing', () => {
    for (const argv of [['--help'], ['help'], ['drop', '--help']]) {
      const io = capture();
      expect(readCommandLine('kafka', 'usage: meshmart kafka drop <prefix>', argv, parse, io)).toEqual({ exitCode: 0 });
      expect(io.infos).toEqual(['usage: meshmart kafka drop <prefix>']);
    }
  });

  it('answers a mistake with one line and exit 2', () => {
    const io = capture();
    expect(readCommandLine('kafka', 'usage: …', ['list'], parse, io)).toEqual({ exitCode: 2 });
    expect(io.errors).toEqual(['meshmart kafka: unknown action "list" (meshmart kafka --help)']);
  });
});

describe('textTable', () => {
  it('pads each column to its widest cell, two spaces apart, without trailing blanks', () => {
    expect(
      textTable([
        ['SERVICE', 'VERSION', 'FAULT'],
        ['payment-service', '3', '-'],
        ['cart', '12', ''],
      ]),
    ).toBe(['SERVICE          VERSION  FAULT', 'payment-service  3        -', 'cart             12'].join('\n'));
  });

  it('takes rows of different lengths', () => {
    expect(textTable([['a'], ['bbb', 'c']])).toBe('a\nbbb  c');
  });
});

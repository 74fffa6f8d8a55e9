import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CommandOutput, textTable, UsageError, usageMistake } from './command-line';

function capture(): CommandOutput & { errors: string[] } {
  const errors: string[] = [];
  return { errors, info: () => undefined, error: (line) => errors.push(line) };
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

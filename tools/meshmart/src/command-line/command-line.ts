/** Where a command prints; the console by default, a buffer in tests. */
export interface CommandOutput {
  info(line: string): void;
  error(line: string): void;
}

export const consoleOutput: CommandOutput = { info: (line) => console.log(line), error: (line) => console.error(line) };

/** A mistake in the command line or its input: one line saying what is wrong, exit code 2. */
export class UsageError extends Error {}

/**
 * The answer to a mistake on the command line, a `UsageError` or one `parseArgs` threw: one line
 * saying what is wrong and where the usage is, and exit code 2. Anything else is rethrown.
 */
export function usageMistake(command: string, error: unknown, output: CommandOutput): 2 {
  if (!(error instanceof UsageError || isParseArgsError(error))) throw error;
  output.error(`meshmart ${command}: ${(error as Error).message.split('\n')[0] ?? ''} (meshmart ${command} --help)`);
  return 2;
}

/**
 * A command's own arguments read as every command reads them: `--help` (or `help`) prints
 * `usage` and ends with 0; a mistake `parse` throws (a `UsageError`, or one of `parseArgs`)
 * prints one line and ends with 2 (`usageMistake`).
 * @returns what `parse` made of the arguments, or the exit code to return.
 * @example
 * const line = readCommandLine('dlq', dlqUsage, argv, parseDlqArgs, output);
 * if ('exitCode' in line) return line.exitCode;
 */
export function readCommandLine<T>(
  command: string,
  usage: string,
  argv: readonly string[],
  parse: (argv: readonly string[]) => T,
  output: CommandOutput,
): { parsed: T } | { exitCode: 0 | 2 } {
  if (argv.includes('--help') || argv[0] === 'help') {
    output.info(usage);
    return { exitCode: 0 };
  }
  try {
    return { parsed: parse(argv) };
  } catch (error) {
    return { exitCode: usageMistake(command, error, output) };
  }
}

function isParseArgsError(error: unknown): boolean {
  return error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS');
}

/** Rows as columns padded to their widest cell, two spaces apart, without trailing blanks. */
export function textTable(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

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

import { spawnSync } from 'node:child_process';

export interface ToolRun {
  ok: boolean;
  output: string;
}

/** Runs a tool; `undefined` when it is not installed. */
export function runTool(command: string, args: readonly string[], cwd?: string): ToolRun | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

/**
 * A missing tool: on CI a failure (nothing may pass unchecked there), elsewhere a note that
 * says how to install it.
 */
export function missingTool(tool: string, install: string, env: NodeJS.ProcessEnv): { problem?: string; note?: string } {
  const message = `${tool} is not installed (${install})`;
  return env['CI'] === 'true' ? { problem: `${message}: CI must run every check` } : { note: `skipped: ${message}` };
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { findWorkspaceRoot } from './stack-endpoints';

export interface MeshmartRun {
  /** The exit code; null when the run was killed (`signal` says by what). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface MeshmartRunOptions {
  /** The environment the CLI sees (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Killed (SIGTERM) past this; the result then has `signal` set. Default 60 000 ms. */
  timeoutMs?: number;
}

/**
 * Runs the `meshmart` CLI as an operator would (a child process of the same Node), without
 * blocking this one: a platform's pipes, or a spec's Kafka consumer or etcd watches, keep being
 * served while the CLI runs. (A synchronous spawn held a consumer's heartbeats past its session
 * timeout on a loaded machine, and the group redelivered.)
 * @example const { code, stdout } = await runMeshmart(['dlq', 'list', topic], { env });
 */
export function runMeshmart(args: readonly string[], options: MeshmartRunOptions = {}): Promise<MeshmartRun> {
  const root = findWorkspaceRoot(__dirname);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'tools', 'meshmart', 'bin', 'meshmart.cjs'), ...args], {
      cwd: root,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

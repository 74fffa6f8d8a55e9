import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { findWorkspaceRoot } from './stack-endpoints';

export interface AppProcess {
  name: string;
  url: string;
  /** The registry instance id, as the start line says (`… as <id>`). */
  instanceId: string;
  process: ChildProcess;
  /** Everything the app printed so far. */
  output(): string;
  /** SIGTERM, then the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts one app of `apps/` as its own Node process, exactly as `nx serve` does, and resolves
 * once it prints its `listening on <url>` line. PORT defaults to 0 (any free port).
 */
export function startApp(name: string, env: NodeJS.ProcessEnv = {}, startTimeoutMs = 60_000, logFile?: string): Promise<AppProcess> {
  return startService(name, join(findWorkspaceRoot(), 'apps', name, 'src', 'main.ts'), env, startTimeoutMs, logFile);
}

/**
 * Starts any TypeScript entry point that calls the mesh's `runService` as its own Node process
 * and resolves once it prints `<name> listening on <url>`. With `logFile`, the process writes
 * there and is detached: it outlives this one (`npm run demo -- --detach`).
 */
export function startService(name: string, script: string, env: NodeJS.ProcessEnv = {}, startTimeoutMs = 60_000, logFile?: string): Promise<AppProcess> {
  const root = findWorkspaceRoot();
  let log: number | undefined;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    log = openSync(logFile, 'w');
  }
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.base.json'), PORT: '0', ...env },
    stdio: log === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', log, log],
    detached: log !== undefined,
  });
  if (log !== undefined) {
    closeSync(log);
    child.unref();
  }
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${startTimeoutMs / 1000}s:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // The line is JSON (its `msg`) or plain text; either way the URL and id end at a quote or a space.
      const match = new RegExp(`${name} listening on (http[^\\s"]+)(?: as ([\\w.-]+))?`).exec(output);
      const url = match?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        name,
        url,
        instanceId: match?.[2] ?? name,
        process: child,
        output: () => output,
        async stop(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    if (logFile) {
      // A detached process writes to its file only: follow the file until the start line shows.
      const follow = setInterval(() => {
        if (child.exitCode !== null || child.signalCode !== null) clearInterval(follow);
        output = '';
        onData(readFileSync(logFile));
        if (/listening on http/.test(output)) clearInterval(follow);
      }, 100);
    } else {
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${String(code)} before it listened:\n${output}`));
    });
  });
}

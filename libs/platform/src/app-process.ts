import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findWorkspaceRoot } from './stack-endpoints';

export interface AppProcess {
  name: string;
  url: string;
  /** The registry instance id, as the start line says (`… as <id>`). */
  instanceId: string;
  process: ChildProcess;
  /** Milliseconds from spawning the process to its `listening on` line. */
  listeningAfterMs: number;
  /** Resolves with the milliseconds from spawn to its `<name> ready` line: nothing it started with is pending. */
  ready: Promise<number>;
  /** Everything the app printed so far. */
  output(): string;
  /** SIGTERM, then the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * How far a start goes before it resolves: `ready` (default) once the app says nothing it
 * started with is pending (database reached, consumers joined, registered), `listening` as
 * soon as it serves HTTP.
 */
export type StartedWhen = 'listening' | 'ready';

/**
 * Starts one app of `apps/` as its own Node process, exactly as `nx serve` does, and resolves
 * once it prints its `<name> ready` line (or `listening on <url>`, with `until: 'listening'`).
 * PORT defaults to 0 (any free port).
 */
export function startApp(
  name: string,
  env: NodeJS.ProcessEnv = {},
  startTimeoutMs = 60_000,
  logFile?: string,
  until: StartedWhen = 'ready',
): Promise<AppProcess> {
  return startService(name, join(findWorkspaceRoot(), 'apps', name, 'src', 'main.ts'), env, startTimeoutMs, logFile, until);
}

/**
 * V8's code cache for the services' modules, shared by every start: a restarted instance skips
 * compiling what the last start compiled (swc-node caches its own transforms the same way),
 * which is a third to half of a start on a busy 2-core machine. Set NODE_COMPILE_CACHE to move it.
 */
const COMPILE_CACHE_DIR = join(tmpdir(), 'meshmart-node-compile-cache');

/**
 * Starts any TypeScript entry point that calls the mesh's `runService` as its own Node process
 * and resolves once it prints `<name> ready` (or `<name> listening on <url>`, see `until`).
 * With `logFile`, the process writes there and is detached: it outlives this one (`npm run
 * demo -- --detach`).
 */
export function startService(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv = {},
  startTimeoutMs = 60_000,
  logFile?: string,
  until: StartedWhen = 'ready',
): Promise<AppProcess> {
  const root = findWorkspaceRoot();
  const spawnedAt = Date.now();
  let log: number | undefined;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    log = openSync(logFile, 'w');
  }
  const child = spawn(process.execPath, ['-r', '@swc-node/register', script], {
    cwd: root,
    env: {
      ...process.env,
      TS_NODE_PROJECT: join(root, 'tsconfig.base.json'),
      NODE_COMPILE_CACHE: process.env['NODE_COMPILE_CACHE'] ?? COMPILE_CACHE_DIR,
      PORT: '0',
      ...env,
    },
    stdio: log === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', log, log],
    detached: log !== undefined,
  });
  if (log !== undefined) {
    closeSync(log);
    child.unref();
  }
  let output = '';
  let started: AppProcess | undefined;
  let isReady = false;
  let markReady: (ms: number) => void = () => undefined;
  const ready = new Promise<number>((resolve) => (markReady = resolve));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start (${until}) within ${startTimeoutMs / 1000}s:\n${output}`));
    }, startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!started) {
        // The line is JSON (its `msg`) or plain text; either way the URL and id end at a quote or a space.
        const match = new RegExp(`${name} listening on (http[^\\s"]+)(?: as ([\\w.-]+))?`).exec(output);
        const url = match?.[1];
        if (!url) return;
        started = {
          name,
          url,
          instanceId: match?.[2] ?? name,
          process: child,
          listeningAfterMs: Date.now() - spawnedAt,
          ready,
          output: () => output,
          async stop(signal = 'SIGTERM') {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
        };
      }
      if (!isReady && output.includes(`${name} ready as `)) {
        isReady = true;
        markReady(Date.now() - spawnedAt);
      }
      if (until === 'listening' || isReady) {
        clearTimeout(timer);
        resolve(started);
      }
    };
    if (logFile) {
      // A detached process writes to its file only: follow the file until the start line shows.
      const follow = setInterval(() => {
        if (child.exitCode !== null || child.signalCode !== null) clearInterval(follow);
        output = '';
        onData(readFileSync(logFile));
        if (isReady) clearInterval(follow);
      }, 100);
    } else {
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${String(code)} before it was ${until}:\n${output}`));
    });
  });
}

import { spawn } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync, existsSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A background process owned by the stack: its pid file and its log. */
export interface Daemon {
  pidFile: string;
  logFile: string;
  /** A string its command line always contains (its state folder), to tell it from a stale pid's new owner. */
  commandMarker?: string;
}

/**
 * Starts a command detached in its own process group, output appended to its log, and
 * records its pid. The stack CLI exits right after; the daemon lives on until `stack down`.
 */
export function spawnDaemon(daemon: Daemon, command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): number {
  const log = openSync(daemon.logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', log, log], env });
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    writeFileSync(daemon.pidFile, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function readPid(pidFile: string): number | undefined {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** True while the process exists and is not a zombie waiting to be reaped. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The pid in `pidFile` if that process is alive and, when `commandMarker` is given, its command
 * line contains it: after a reboot a stale pid file may name somebody else's process, which
 * `stack down` must never signal.
 */
export function runningPid(pidFile: string, commandMarker?: string): number | undefined {
  const pid = readPid(pidFile);
  if (pid === undefined || !isAlive(pid)) return undefined;
  if (commandMarker === undefined) return pid;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(commandMarker) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stops a daemon's whole process group: SIGTERM, a grace period for a clean shutdown
 * (Kafka flushes its log, etcd its WAL), then SIGKILL. Removes the pid file.
 */
export async function stopDaemon(daemon: Daemon, graceMs = 20_000): Promise<'stopped' | 'not running'> {
  const pid = runningPid(daemon.pidFile, daemon.commandMarker);
  if (pid === undefined) {
    rmSync(daemon.pidFile, { force: true });
    return 'not running';
  }
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    signalGroup(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
  }
  rmSync(daemon.pidFile, { force: true });
  return 'stopped';
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Checked between attempts: stop waiting at once if the process died. */
  pid?: number;
  logFile?: string;
}

/** Retries `probe` until it resolves, or fails with the last error and where to look. */
export async function waitUntilReady<T>(probe: () => Promise<T>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      lastError = error;
    }
    const where = options.logFile ? ` (log: ${options.logFile})` : '';
    if (options.pid !== undefined && !isAlive(options.pid)) {
      throw new Error(`${options.what} exited during start-up${where}: ${describe(lastError)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${options.what} not ready after ${options.timeoutMs / 1000}s${where}: ${describe(lastError)}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

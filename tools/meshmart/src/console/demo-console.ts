import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { StackEndpoints } from '@meshmart/platform';
import { type Daemon, runningPid, spawnDaemon, stopDaemon, waitUntilReady } from '../stack/processes';
import { consoleTracesDir, DEFAULT_CONSOLE_PORT, type RunningConsole, startConsole } from './console';

const daemonOf = (stateDir: string): Daemon => {
  const dir = join(stateDir, 'console');
  return { pidFile: join(dir, 'console.pid'), logFile: join(dir, 'console.log'), commandMarker: 'console' };
};

/**
 * The demo's console: in the demo's own process, or — for `demo --detach`, which returns at
 * once — a detached `meshmart console` that `stack down` stops. Either way its OTLP endpoint is
 * where the demo's services send their spans.
 */
export async function startDemoConsole(stateDir: string, stack: StackEndpoints, detach: boolean): Promise<RunningConsole> {
  const port = Number(process.env['MESHMART_CONSOLE_PORT'] ?? DEFAULT_CONSOLE_PORT);
  if (!detach) return startConsole({ prometheusUrl: stack.prometheus.url, etcdEndpoints: stack.etcd.endpoints, port, tracesDir: consoleTracesDir(stateDir) });
  const daemon = daemonOf(stateDir);
  const url = `http://127.0.0.1:${port}`;
  if (!runningPid(daemon.pidFile, daemon.commandMarker)) {
    mkdirSync(join(stateDir, 'console'), { recursive: true });
    const cli = join(__dirname, '..', '..', 'bin', 'meshmart.cjs');
    const pid = spawnDaemon(
      daemon,
      process.execPath,
      [cli, 'console', '--port', String(port), '--prometheus', stack.prometheus.url, '--etcd', stack.etcd.endpoints.join(',')],
      { ...process.env, MESHMART_STATE_DIR: stateDir },
    );
    await waitUntilReady(
      async () => {
        const response = await fetch(`${url}/api/status`);
        if (!response.ok) throw new Error(`console answered ${response.status}`);
      },
      { what: 'console', timeoutMs: 30_000, intervalMs: 250, pid, logFile: daemon.logFile },
    );
  }
  return { url, otlpEndpoint: `${url}/v1/traces`, close: () => Promise.resolve() };
}

/** Stops a detached demo's console, if one runs. */
export async function stopDemoConsole(stateDir: string): Promise<void> {
  await stopDaemon(daemonOf(stateDir), 5_000);
}

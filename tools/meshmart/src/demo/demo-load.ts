import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Daemon, spawnDaemon, stopDaemon } from '../stack/processes';

const daemonOf = (stateDir: string): Daemon => {
  const dir = join(stateDir, 'load');
  return { pidFile: join(dir, 'load.pid'), logFile: join(dir, 'load.log'), commandMarker: 'load' };
};

/** A day: the demo's stream of shoppers runs until the demo stops it, within a bound all the same. */
const DEMO_LOAD_SECONDS = 86_400;

/**
 * `npm run demo -- --load R`: a steady stream of shoppers (`meshmart load`, the mix scenario, an
 * open loop of R journeys a second) against the demo's gateway, so the dashboards and the
 * console move. It runs as a daemon logging to `<state>/load/load.log`; the demo's Ctrl-C and
 * `stack down` stop it. Returns the log file.
 */
export function startDemoLoad(stateDir: string, gatewayUrl: string, ratePerSecond: number): string {
  const daemon = daemonOf(stateDir);
  mkdirSync(join(stateDir, 'load'), { recursive: true });
  const cli = join(__dirname, '..', '..', 'bin', 'meshmart.cjs');
  // Errors are counted, never fatal: the stream is for watching, not for judging.
  const args = [
    cli,
    'load',
    '--url',
    gatewayUrl,
    '--scenario',
    'mix',
    '--rate',
    String(ratePerSecond),
    '--duration',
    String(DEMO_LOAD_SECONDS),
    '--max-error-rate',
    '1',
  ];
  spawnDaemon(daemon, process.execPath, args, { ...process.env, MESHMART_STATE_DIR: stateDir });
  return daemon.logFile;
}

/** Stops the demo's stream of shoppers, if one runs. */
export async function stopDemoLoad(stateDir: string): Promise<void> {
  await stopDaemon(daemonOf(stateDir), 5_000);
}

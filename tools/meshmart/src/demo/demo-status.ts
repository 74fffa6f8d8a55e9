import { alive, type DemoServiceRecord } from './demo-state';

/**
 * One line per demo instance for `stack status`:
 * `order-service-1  running  pid 4242  https://127.0.0.1:41234  restarts 1 (last: killed by SIGKILL at 22:40:01)`;
 * with a version column when the demo set versions (`--canary`): `…  version 0.2.0  restarts 0`.
 */
export function demoServiceLines(services: readonly DemoServiceRecord[], isAlive: (pid: number | undefined) => boolean = alive): string[] {
  const nameWidth = Math.max(0, ...services.map((s) => s.name.length));
  const urlWidth = Math.max(0, ...services.map((s) => s.url.length));
  const versionWidth = Math.max(0, ...services.map((s) => s.version?.length ?? 0));
  const versionOf = (s: DemoServiceRecord) =>
    versionWidth === 0 ? '' : `  ${s.version ? `version ${s.version.padEnd(versionWidth)}` : ' '.repeat(versionWidth + 8)}`;
  return services.map((s) => {
    const state = isAlive(s.pid) ? 'running' : 'stopped';
    const last = s.lastExit ? ` (last: ${s.lastExit}${s.lastExitAt ? ` at ${s.lastExitAt.slice(11, 19)}` : ''})` : '';
    return `${s.name.padEnd(nameWidth)}  ${state.padEnd(8)} pid ${String(s.pid ?? '-').padEnd(7)} ${s.url.padEnd(urlWidth)}${versionOf(s)}  restarts ${s.restarts}${last}`;
  });
}

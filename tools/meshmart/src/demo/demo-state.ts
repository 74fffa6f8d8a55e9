import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SupervisedInstance } from './instance-supervisor';

/** The demo's HS256 key: made once, kept in the state folder (mode 600) so tokens stay valid across runs. */
export function demoJwtSecret(stateDir: string): string {
  const file = join(stateDir, 'demo-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const servicesFile = (stateDir: string) => join(stateDir, 'demo-services.json');

/** One instance of a running demo, as `stack status` shows it and `stack down` stops it. */
export interface DemoServiceRecord {
  /** Its slot, e.g. `order-service-1`: the name it keeps across restarts. */
  name: string;
  instanceId: string;
  pid: number | undefined;
  url: string;
  /** The `MESH_VERSION` it registered with, when the demo set one (`--canary`). */
  version?: string;
  restarts: number;
  lastExit?: string;
  lastExitAt?: string;
}

/** What a demo leaves in the state folder: its instances, and the supervisor's pid when it supervises them. */
export interface DemoServices {
  supervisorPid?: number;
  services: DemoServiceRecord[];
}

/** Records the demo's instances (and restarts), for `stack status` and `stack down`. */
export function writeDemoServices(stateDir: string, state: DemoServices): void {
  writeFileSync(servicesFile(stateDir), `${JSON.stringify(state, null, 2)}\n`);
}

export function readDemoServices(stateDir: string): DemoServices | undefined {
  const file = servicesFile(stateDir);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as DemoServices;
}

export function forgetDemoServices(stateDir: string): void {
  rmSync(servicesFile(stateDir), { force: true });
}

/** The record of a supervised instance, with the version it was started with when one was set. */
export function serviceRecord({ slot, app, restarts, lastExit, lastExitAt }: SupervisedInstance, version?: string): DemoServiceRecord {
  return {
    name: slot,
    instanceId: app.instanceId,
    pid: app.process.pid,
    url: app.url,
    ...(version ? { version } : {}),
    restarts,
    ...(lastExit ? { lastExit, lastExitAt } : {}),
  };
}

export function alive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Stops what a demo left running: first its supervisor (which then stops its instances, so
 * none is restarted behind our back), then any instance still alive (graceful, then SIGKILL
 * after 15 s); returns how many instances it stopped itself.
 */
export async function stopDetachedServices(stateDir: string, log: (line: string) => void): Promise<number> {
  const state = readDemoServices(stateDir);
  if (!state) return 0;
  const { supervisorPid } = state;
  if (supervisorPid !== undefined && supervisorPid !== process.pid && alive(supervisorPid)) {
    process.kill(supervisorPid, 'SIGTERM');
    await waitUntilGone([supervisorPid], 30_000);
  }
  const running = state.services.filter((service) => alive(service.pid));
  for (const service of running) process.kill(service.pid as number, 'SIGTERM');
  await waitUntilGone(
    running.map((service) => service.pid as number),
    15_000,
  );
  for (const service of running.filter((s) => alive(s.pid))) {
    log(`${service.name} did not stop within 15s: killing it`);
    process.kill(service.pid as number, 'SIGKILL');
  }
  forgetDemoServices(stateDir);
  if (running.length > 0) log(`stopped ${running.length} demo services`);
  return running.length;
}

async function waitUntilGone(pids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some((pid) => alive(pid)) && Date.now() < deadline) await sleep(100);
}

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppProcess } from '@meshmart/testing';

/** The demo's HS256 key: made once, kept in the state folder (mode 600) so tokens stay valid across runs. */
export function demoJwtSecret(stateDir: string): string {
  const file = join(stateDir, 'demo-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const servicesFile = (stateDir: string) => join(stateDir, 'demo-services.json');
const gatewayUrlFile = (stateDir: string) => join(stateDir, 'demo-gateway-url');

/** Remembers where the running demo's gateway listens (its port is picked at start), for `meshmart load`; `undefined` forgets it. */
export function writeDemoGatewayUrl(stateDir: string, url: string | undefined): void {
  if (url === undefined) rmSync(gatewayUrlFile(stateDir), { force: true });
  else writeFileSync(gatewayUrlFile(stateDir), `${url}\n`);
}

/** Remembers the processes of a detached demo, for `stack down`. */
export function writeDetachedServices(stateDir: string, apps: readonly AppProcess[]): void {
  writeFileSync(servicesFile(stateDir), `${JSON.stringify(apps.map((app) => ({ name: app.instanceId, pid: app.process.pid })), null, 2)}\n`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Stops the services a detached demo left running (graceful, then SIGKILL after 15 s); returns how many. */
export async function stopDetachedServices(stateDir: string, log: (line: string) => void): Promise<number> {
  const file = servicesFile(stateDir);
  if (!existsSync(file)) return 0;
  const services = JSON.parse(readFileSync(file, 'utf8')) as { name: string; pid: number }[];
  const running = services.filter((service) => alive(service.pid));
  for (const service of running) process.kill(service.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (running.some((service) => alive(service.pid)) && Date.now() < deadline) await sleep(100);
  for (const service of running.filter((s) => alive(s.pid))) {
    log(`${service.name} did not stop within 15s: killing it`);
    process.kill(service.pid, 'SIGKILL');
  }
  rmSync(file, { force: true });
  writeDemoGatewayUrl(stateDir, undefined);
  if (running.length > 0) log(`stopped ${running.length} demo services`);
  return running.length;
}

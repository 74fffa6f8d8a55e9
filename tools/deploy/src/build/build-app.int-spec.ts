import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';
import { buildApp } from './build-app';

const root = findWorkspaceRoot(__dirname);

it('builds an app that loads every module it needs and validates its configuration', async () => {
  const out = await buildApp(root, 'order-service');
  // No environment: the process must get as far as the mesh's config validation, so every
  // require() of the compiled app and libs resolved.
  const run = spawnSync(process.execPath, [join(root, out, 'src', 'main.js')], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 });
  expect(run.stderr).not.toMatch(/Cannot find module/);
  expect(run.stderr).toMatch(/invalid configuration: .*ETCD_ENDPOINTS/);
  expect(run.status).toBe(1);
}, 60_000);

#!/usr/bin/env node
// Runs one static check (lint, typecheck) and records its outcome where `meshmart test` reads
// test reports, so that a failed check shows in the closing summary, not only in the exit code.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [kind, project, separator, command, ...args] = process.argv.slice(2);
if (!kind || !project || separator !== '--' || !command) {
  console.error('usage: report-check.mjs <kind> <project> -- <command> [args...]');
  process.exit(2);
}
const started = Date.now();
const result = spawnSync(command, args, { stdio: 'inherit' });
const status = result.status ?? 1;
const dir = join(process.cwd(), 'tmp', 'test-reports');
mkdirSync(dir, { recursive: true });
writeFileSync(
  join(dir, `${project}.${kind}.json`),
  JSON.stringify({ check: `${kind} ${project}`, passed: status === 0, durationMs: Date.now() - started }),
);
process.exit(status);

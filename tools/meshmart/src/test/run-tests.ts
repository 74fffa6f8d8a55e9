import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { stackEndpointsToEnv } from '@meshmart/platform';
import type { LocalStack } from '../stack/stack';
import { formatSummary, summarizeReports } from './summary';

/** Targets `npm test` runs for every project that has them, in this order of dependency. */
const TARGETS = ['lint', 'typecheck', 'test', 'int', 'e2e'];

/**
 * `npm test`: brings the local stack up (a no-op when it is up), runs every project's checks
 * and tests through Nx with the stack's endpoints in the environment, then prints the closing
 * summary. The stack is left running for the next run; `npm run stack:down` stops it.
 */
export async function runTests(root: string, stack: LocalStack): Promise<number> {
  const reports = join(root, 'tmp', 'test-reports');
  rmSync(reports, { recursive: true, force: true });

  console.log('meshmart test: starting the local stack (a no-op when it is up)');
  const { endpoints } = await stack.up();

  const ci = process.env['CI'] === 'true';
  const nx = spawnSync('nx', ['run-many', '-t', ...TARGETS, '--outputStyle=stream', '--parallel=2', ...(ci ? ['--skipNxCache'] : [])], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...stackEndpointsToEnv(endpoints), NX_TUI: 'false', NX_NO_CLOUD: 'true', ...(ci ? { NX_DAEMON: 'false' } : {}) },
  });

  const summary = summarizeReports(reports);
  const nxFailed = nx.status !== 0;
  // Nx failed but no report says why (a runner that died before writing one): count it.
  if (nxFailed && summary.failed === 0) {
    summary.failed += 1;
    summary.failures.push(`nx run-many exited with ${String(nx.status ?? nx.signal)} without a failing report`);
  }
  for (const file of summary.unreadable) summary.failures.push(`unreadable report ${file}`);
  if (summary.failures.length > 0) {
    console.log('\nfailed:');
    for (const failure of summary.failures) console.log(`  ✗ ${failure}`);
  }
  console.log(formatSummary(summary));
  return nxFailed || summary.failed > 0 ? 1 : 0;
}

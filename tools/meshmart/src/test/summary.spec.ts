import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSummary, summarizeReports } from './summary';

function reportsDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'summary-spec-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  return dir;
}

const vitest = (passed: number, failed: number, skipped: number, testResults: unknown[] = []) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: skipped,
  numTodoTests: 0,
  testResults,
});

describe('summarizeReports', () => {
  it('adds Vitest totals and counts each check as one test', () => {
    const dir = reportsDir({
      'mesh.unit.json': vitest(10, 0, 1),
      'mesh.int.json': vitest(4, 1, 0, [{ name: 'a.int-spec.ts', status: 'failed', assertionResults: [{ fullName: 'etcd deletes a key', status: 'failed' }] }]),
      'mesh.lint.json': { check: 'lint mesh', passed: true },
      'cart.typecheck.json': { check: 'typecheck cart', passed: false },
    });
    const summary = summarizeReports(dir);
    expect(summary).toMatchObject({ passed: 15, failed: 2, skipped: 1, unreadable: [] });
    expect(summary.failures).toEqual(['typecheck cart', 'etcd deletes a key']);
  });

  it("says why a test failed: its failure's first line and the spec line, colours removed", () => {
    const failure =
      '\u001b[31mAssertionError: expected 3 to be 2\u001b[39m\n    at node_modules/vitest/x.js:1:1\n    at /w/libs/mesh/src/a.int-spec.ts:42:7\n    at later.spec.ts:1:1';
    const dir = reportsDir({
      'mesh.int.json': vitest(0, 1, 0, [
        { name: 'a.int-spec.ts', status: 'failed', assertionResults: [{ fullName: 'counts', status: 'failed', failureMessages: [failure] }] },
      ]),
    });
    expect(summarizeReports(dir).failures).toEqual(['counts\n      AssertionError: expected 3 to be 2\n      at /w/libs/mesh/src/a.int-spec.ts:42:7']);
  });

  it('counts a test file that failed before any test ran', () => {
    const dir = reportsDir({
      'e2e.e2e.json': vitest(0, 0, 0, [
        { name: '/w/e2e/src/health.e2e-spec.ts', status: 'failed', message: 'Cannot find module x\nstack', assertionResults: [] },
      ]),
    });
    expect(summarizeReports(dir)).toMatchObject({ passed: 0, failed: 1, failures: ['/w/e2e/src/health.e2e-spec.ts: Cannot find module x'] });
  });

  it('lists reports it cannot read instead of ignoring them', () => {
    expect(summarizeReports(reportsDir({ 'x.unit.json': '{"numPassed', 'y.json': { other: 1 } })).unreadable).toEqual(['x.unit.json', 'y.json']);
  });

  it('is empty when no report was written', () => {
    expect(summarizeReports(join(tmpdir(), 'no-such-dir-meshmart'))).toMatchObject({ passed: 0, failed: 0, skipped: 0 });
  });
});

describe('formatSummary', () => {
  it('prints the plain closing line, skipped only when any', () => {
    expect(formatSummary({ passed: 3, failed: 0, skipped: 0 })).toBe('tests: 3 passed, 0 failed');
    expect(formatSummary({ passed: 3, failed: 1, skipped: 2 })).toBe('tests: 3 passed, 1 failed, 2 skipped');
  });
});

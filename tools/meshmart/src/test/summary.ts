import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The counts `.ci/run` and people read: one line, `tests: N passed, N failed[, N skipped]`. */
export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /**
   * What failed, one entry each: a test's full name, or a check and its project; for a test,
   * the first line of its failure and where in the spec it failed, so a CI log's tail says why.
   */
  failures: string[];
  /** Report files that could not be read (a runner that crashed mid-write). */
  unreadable: string[];
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: {
    name: string;
    status: string;
    message?: string;
    assertionResults: { fullName: string; status: string; failureMessages?: string[] }[];
  }[];
}

interface CheckReport {
  check: string;
  passed: boolean;
}

/**
 * Adds up every report under `dir`: Vitest's JSON reports (one per project and kind) and the
 * check reports of lint and typecheck (one per project, each counted as one test). A test
 * file that failed to load counts as one failure, so a broken suite never reads as green.
 */
export function summarizeReports(dir: string): TestSummary {
  const summary: TestSummary = { passed: 0, failed: 0, skipped: 0, failures: [], unreadable: [] };
  if (!existsSync(dir)) return summary;
  for (const file of readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    let report: unknown;
    try {
      report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch {
      summary.unreadable.push(file);
      continue;
    }
    if (isCheckReport(report)) addCheck(summary, report);
    else if (isVitestReport(report)) addVitest(summary, report);
    else summary.unreadable.push(file);
  }
  return summary;
}

export function formatSummary(summary: Pick<TestSummary, 'passed' | 'failed' | 'skipped'>): string {
  const skipped = summary.skipped > 0 ? `, ${summary.skipped} skipped` : '';
  return `tests: ${summary.passed} passed, ${summary.failed} failed${skipped}`;
}

function addCheck(summary: TestSummary, report: CheckReport): void {
  if (report.passed) summary.passed += 1;
  else {
    summary.failed += 1;
    summary.failures.push(report.check);
  }
}

function addVitest(summary: TestSummary, report: VitestReport): void {
  summary.passed += report.numPassedTests;
  summary.failed += report.numFailedTests;
  summary.skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (test.status === 'failed') summary.failures.push(withReason(test.fullName, test.failureMessages?.[0]));
    }
    // A file that failed before any test ran (import error, failing beforeAll) has no failed test.
    if (file.status === 'failed' && !file.assertionResults.some((test) => test.status === 'failed')) {
      summary.failed += 1;
      summary.failures.push(`${file.name}: ${(file.message ?? 'failed to run').split('\n')[0]}`);
    }
  }
}

/** The test's name, then (indented) the failure's first line and the first spec frame of its stack. */
function withReason(name: string, failure: string | undefined): string {
  if (!failure) return name;
  // eslint-disable-next-line no-control-regex -- colour codes are what is being removed
  const lines = failure.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const first = lines[0]?.trim().slice(0, 300) ?? '';
  const where = lines.find((line) => /spec\.tsx?:\d+/.test(line))?.trim();
  return [name, first, where].filter(Boolean).join('\n      ');
}

function isCheckReport(value: unknown): value is CheckReport {
  return typeof value === 'object' && value !== null && 'check' in value && 'passed' in value;
}

function isVitestReport(value: unknown): value is VitestReport {
  return typeof value === 'object' && value !== null && 'numPassedTests' in value && 'testResults' in value;
}

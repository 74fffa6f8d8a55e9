import type { LoadSummary } from './load-recorder';

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** The live progress line: elapsed, rate, errors by status, p50/p99 of the last window. */
export function progressLine(
  elapsedMs: number,
  window: { requestsPerSecond: number; p50Ms: number; p99Ms: number },
  journeys: number,
  errorStatuses: Record<string, number>,
): string {
  const errors = Object.entries(errorStatuses);
  const errorText = errors.length === 0 ? 'errors 0' : `errors ${errors.map(([status, n]) => `${status === '0' ? 'no-answer' : status}×${n}`).join(' ')}`;
  return `load ${(elapsedMs / 1000).toFixed(0).padStart(4)}s  ${window.requestsPerSecond.toFixed(1).padStart(7)} req/s  journeys ${journeys}  ${errorText}  p50 ${ms(window.p50Ms)}  p99 ${ms(window.p99Ms)}`;
}

/** The closing table of a run, per operation, then answers, checkout outcomes and the saga's time. */
export function summaryTable(summary: LoadSummary, shape: string): string {
  const rows = Object.entries(summary.operations).map(([operation, s]) => [operation, String(s.requests), String(s.errors), ms(s.p50Ms), ms(s.p99Ms)]);
  rows.push(['all', String(summary.requests), String(summary.errors), ms(summary.p50Ms), ms(summary.p99Ms)]);
  const header = ['operation', 'requests', 'errors', 'p50', 'p99'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const out = [
    `meshmart load: ${shape}, ${(summary.elapsedMs / 1000).toFixed(1)} s, ${summary.journeys} journeys (${summary.journeysPerSecond.toFixed(1)}/s), ${summary.requests} requests (${summary.requestsPerSecond.toFixed(1)}/s), error rate ${(summary.errorRate * 100).toFixed(2)} %`,
    '',
    line(header),
    `|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
    '',
    `answers by status: ${
      Object.entries(summary.byStatus)
        .map(([status, n]) => `${status === '0' ? 'no answer' : status} ×${n}`)
        .join(', ') || 'none'
    }`,
  ];
  const outcomes = Object.entries(summary.checkoutOutcomes);
  if (outcomes.length > 0) {
    out.push(
      `checkouts: ${outcomes.map(([outcome, n]) => `${outcome} ×${n}`).join(', ')}; checkout → settled (order timestamps) p50 ${ms(summary.settle.p50Ms)}, p99 ${ms(summary.settle.p99Ms)}`,
    );
  }
  if (summary.startLag) out.push(`generator start lag (open loop): p50 ${ms(summary.startLag.p50Ms)}, p99 ${ms(summary.startLag.p99Ms)}`);
  return out.join('\n');
}

import { describe, expect, it } from 'vitest';
import { retryUntilDone, type WaitingReport } from './retry-until-done';

describe('retryUntilDone', () => {
  it('tries until the task succeeds and returns its value', async () => {
    let tries = 0;
    const value = await retryUntilDone(
      async () => {
        tries += 1;
        if (tries < 4) throw new Error(`refused ${tries}`);
        return 'connected';
      },
      { initialMs: 1, maxMs: 2 },
    );
    expect(value).toBe('connected');
    expect(tries).toBe(4);
  });

  const failingTimes = (n: number) => {
    let tries = 0;
    return async () => {
      tries += 1;
      if (tries <= n) throw new Error(`ECONNREFUSED ${tries}`);
    };
  };

  it('reports the first failure at once and then nothing more within the window', async () => {
    const reports: WaitingReport[] = [];
    await retryUntilDone(failingTimes(12), { initialMs: 1, maxMs: 1, reportEveryMs: 3_600_000, onWaiting: (report) => reports.push(report) });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ attempts: 1, attemptsInWindow: 1 });
    expect((reports[0]?.error as Error).message).toBe('ECONNREFUSED 1');
  });

  it('reports every failure with a window of 0, counting the tries', async () => {
    const reports: WaitingReport[] = [];
    await retryUntilDone(failingTimes(5), { initialMs: 1, maxMs: 1, reportEveryMs: 0, onWaiting: (report) => reports.push(report) });
    expect(reports.map((report) => [report.attempts, report.attemptsInWindow])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
  });

  it('stops waiting when aborted, rejecting with the reason', async () => {
    const stop = new AbortController();
    const waiting = retryUntilDone(() => Promise.reject(new Error('down')), { initialMs: 50, maxMs: 50, signal: stop.signal });
    setTimeout(() => stop.abort(new Error('stopping')), 20);
    await expect(waiting).rejects.toThrow('stopping');
  });
});

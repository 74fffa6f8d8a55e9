import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { runClosedLoop, runOpenLoop } from './load-loop';
import { LoadRecorder } from './load-recorder';

describe('runClosedLoop', () => {
  it('stops at the count, each journey a new number, never more than N at once', async () => {
    const recorder = new LoadRecorder();
    const seen: number[] = [];
    let inFlight = 0;
    let most = 0;
    await runClosedLoop(3, { durationMs: 10_000, count: 10 }, recorder, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      seen.push(n);
      await sleep(2);
      inFlight -= 1;
    });
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(recorder.journeyCount).toBe(10);
  });
});

describe('runOpenLoop', () => {
  it('starts on schedule whether or not earlier journeys have answered', async () => {
    const recorder = new LoadRecorder();
    let started = 0;
    let release: () => void = () => undefined;
    const answered = new Promise<void>((resolve) => (release = resolve));
    // 50 journeys a second for 200 ms, none answering until all ten have started: an open loop
    // starts them all, where a closed loop of one would have waited on the first forever.
    const run = runOpenLoop(50, { durationMs: 200, count: undefined }, recorder, async () => {
      started += 1;
      if (started === 10) release();
      await answered;
    });
    await run;
    expect(started).toBe(10);
    expect(recorder.journeyCount).toBe(10);
  });

  it('stops at the count before the duration', async () => {
    const recorder = new LoadRecorder();
    let started = 0;
    await runOpenLoop(1000, { durationMs: 60_000, count: 5 }, recorder, () => {
      started += 1;
      return Promise.resolve();
    });
    expect(started).toBe(5);
  });
});

describe('an aborted run', () => {
  it('starts no journey after the signal and lets those in flight finish', async () => {
    const recorder = new LoadRecorder();
    const stop = new AbortController();
    let started = 0;
    await runOpenLoop(100, { durationMs: 60_000, count: undefined, signal: stop.signal }, recorder, async () => {
      started += 1;
      if (started === 3) stop.abort();
      await sleep(5);
    });
    expect(started).toBe(3);
    expect(recorder.journeyCount).toBe(3);
    let closed = 0;
    await runClosedLoop(2, { durationMs: 60_000, count: undefined, signal: stop.signal }, recorder, () => {
      closed += 1;
      return Promise.resolve();
    });
    expect(closed).toBe(0);
  });
});

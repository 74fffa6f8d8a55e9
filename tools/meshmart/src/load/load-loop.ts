import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadRecorder } from './load-recorder';

export interface LoopBounds {
  durationMs: number;
  /** Journeys to start at most, if bounded by count as well. */
  count: number | undefined;
  /** Ends the run early (Ctrl-C, SIGTERM): no journey starts after it; those in flight finish. */
  signal?: AbortSignal;
}

/**
 * Closed loop: `shoppers` shoppers, each starting its next journey when the last one ends,
 * until the duration is up or `count` journeys have started. Each journey is a new user (its
 * number passed in), as a shop's visitors are: one user hammering would meet the gateway's
 * per-user rate limit, which is not what a load run measures.
 */
export async function runClosedLoop(
  shoppers: number,
  bounds: LoopBounds,
  recorder: LoadRecorder,
  journey: (journeyNumber: number) => Promise<void>,
): Promise<void> {
  const until = performance.now() + bounds.durationMs;
  let started = 0;
  const more = () => performance.now() < until && (bounds.count === undefined || started < bounds.count) && !bounds.signal?.aborted;
  await Promise.all(
    Array.from({ length: shoppers }, async () => {
      while (more()) {
        await journey(started++);
        recorder.journeyDone();
      }
    }),
  );
}

/**
 * Open loop: journeys start on a fixed schedule, `ratePerSecond` of them, whether or not the
 * earlier ones have answered — as real arrivals do, so a slow platform shows as latency and
 * not as a lower rate (no coordinated omission). Each journey is a new user. How late each
 * start was against its schedule is recorded: the generator's own lag. Waits for the journeys
 * in flight at the end.
 */
export async function runOpenLoop(
  ratePerSecond: number,
  bounds: LoopBounds,
  recorder: LoadRecorder,
  journey: (journeyNumber: number) => Promise<void>,
): Promise<void> {
  const intervalMs = 1000 / ratePerSecond;
  const begin = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let n = 0; bounds.count === undefined || n < bounds.count; n++) {
    // Compared as offsets: (begin + offset) - begin can fall a rounding error short of the bound.
    if (n * intervalMs >= bounds.durationMs) break;
    const scheduled = begin + n * intervalMs;
    const wait = scheduled - performance.now();
    if (wait > 1) await sleep(wait, undefined, { signal: bounds.signal }).catch(() => undefined);
    if (bounds.signal?.aborted) break;
    recorder.startLag(Math.max(0, performance.now() - scheduled));
    const run: Promise<void> = journey(n).then(() => {
      recorder.journeyDone();
      inFlight.delete(run);
    });
    inFlight.add(run);
  }
  await Promise.all(inFlight);
}

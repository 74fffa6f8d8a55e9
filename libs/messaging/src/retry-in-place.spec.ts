import { createCallPipeline, retryRuleCases } from '@meshmart/mesh/testing';
import { describe, expect, it } from 'vitest';
import { type RetryingReport, retryInPlace, type RetryInPlaceOptions } from './retry-in-place';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A partition's kafkajs hooks, recorded. */
function partition(overrides: Partial<RetryInPlaceOptions> = {}) {
  const seen = { pauses: 0, resumes: 0, heartbeats: 0, retrying: [] as RetryingReport[], recovered: [] as RetryingReport[] };
  const options: RetryInPlaceOptions = {
    groupId: 'spec-group',
    topic: 'spec.v1',
    partition: 2,
    offset: '41',
    pause: () => {
      seen.pauses += 1;
      return () => void (seen.resumes += 1);
    },
    heartbeat: async () => void (seen.heartbeats += 1),
    stopping: () => false,
    backoff: { initialMs: 2, maxMs: 4 }, // every wait at least 1 ms, so each is heartbeated
    onRetrying: (report) => seen.retrying.push(report),
    onRecovered: (report) => seen.recovered.push(report),
    reportEveryMs: 60_000,
    ...overrides,
  };
  return { seen, options };
}

/** A handler that fails transiently `times` times, then succeeds. */
function failing(times: number, error: () => unknown = refused) {
  let calls = 0;
  const apply = async (): Promise<void> => {
    calls += 1;
    if (calls <= times) throw error();
  };
  return { apply, calls: () => calls };
}

describe('retryInPlace', () => {
  it('holds the partition paused through transient failures, however many, and resumes it once the message goes through', async () => {
    const { seen, options } = partition();
    const handler = failing(12);
    expect(await retryInPlace(handler.apply, options)).toEqual({ kind: 'handled' });
    expect(handler.calls()).toBe(13);
    expect({ pauses: seen.pauses, resumes: seen.resumes }).toEqual({ pauses: 1, resumes: 1 });
    expect(seen.heartbeats).toBeGreaterThanOrEqual(12);
    // One report in the window, one when it went through.
    expect(seen.retrying).toHaveLength(1);
    expect(seen.retrying[0]).toMatchObject({ topic: 'spec.v1', partition: 2, offset: '41', failures: 1 });
    expect(seen.recovered).toEqual([expect.objectContaining({ failures: 12 })]);
  });

  it('hands poison back at once: no pause, no retry', async () => {
    const { seen, options } = partition();
    const poison = Object.assign(new Error('unknown product'), { retryable: false });
    const handler = failing(1, () => poison);
    expect(await retryInPlace(handler.apply, options)).toEqual({ kind: 'poison', error: poison });
    expect(handler.calls()).toBe(1);
    expect(seen.pauses).toBe(0);
  });

  it('is silent and untouched when the first try works', async () => {
    const { seen, options } = partition();
    expect(await retryInPlace(async () => undefined, options)).toEqual({ kind: 'handled' });
    expect(seen).toMatchObject({ pauses: 0, heartbeats: 0, retrying: [], recovered: [] });
  });

  it('on stop, rethrows the transient error (the offset stays uncommitted) and resumes the partition', async () => {
    let stopping = false;
    const { seen, options } = partition({ stopping: () => stopping, onRetrying: () => void (stopping = true) });
    const failure = refused();
    await expect(retryInPlace(failing(Infinity, () => failure).apply, options)).rejects.toBe(failure);
    expect({ pauses: seen.pauses, resumes: seen.resumes }).toEqual({ pauses: 1, resumes: 1 });
  });

  it('ends the wait when a heartbeat says the group is rebalancing', async () => {
    const rebalancing = Object.assign(new Error('The group is rebalancing'), { type: 'REBALANCE_IN_PROGRESS' });
    const { seen, options } = partition({ heartbeat: () => Promise.reject(rebalancing) });
    await expect(retryInPlace(failing(Infinity).apply, options)).rejects.toBe(rebalancing);
    expect(seen.resumes).toBe(1);
  });
});

describe('one retry rule for the consumers and the mesh', () => {
  /** Tries the mesh makes of an idempotent call that fails once with `error`, then succeeds. */
  async function meshTries(error: () => unknown): Promise<number> {
    const pipeline = createCallPipeline({ backoff: { initialMs: 1, maxMs: 1 } });
    let tries = 0;
    await pipeline
      .execute(
        async () => {
          tries += 1;
          if (tries === 1) throw error();
          return 'ok';
        },
        { method: 'GET', headers: {} },
      )
      .catch(() => undefined);
    return tries;
  }

  it.each(retryRuleCases)('%s: retried by both, or by neither', async (_label, error, retried) => {
    const { options } = partition();
    const handler = failing(1, error);
    const settled = await retryInPlace(handler.apply, options);
    expect(settled.kind).toBe(retried ? 'handled' : 'poison');
    expect(handler.calls()).toBe(retried ? 2 : 1);
    expect(await meshTries(error)).toBe(retried ? 2 : 1);
  });
});

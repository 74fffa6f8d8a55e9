import { CircuitState } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitOpen, ConcurrencyLimitReached, IdentityRejected, MeshError, NoHealthyUpstream, UpstreamServerError } from '../errors/mesh-error';
import { createCallPipeline, type CallAttempt, type CallPipeline, type CallRequest } from './call-pipeline';
import { breakerStateOf, isUpstreamFailure, type BreakerState } from './circuit-breaker-policy';

/** Not retried, so that one call is one try and the breaker counts calls. */
const POST: CallRequest = { method: 'POST', headers: {} };
const GET: CallRequest = { method: 'GET', headers: {} };

class Conflict extends MeshError {
  readonly code = 'conflict';
  readonly retryable = false;
  readonly status = 409;
}

const ok = vi.fn(() => Promise.resolve('ok'));

async function outcomeOf(pipeline: CallPipeline, call: (attempt: CallAttempt) => Promise<string>, request = POST) {
  const result = pipeline.execute(call, request).then(
    (value) => value,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return result;
}

describe('circuit breaker', () => {
  let pipeline: CallPipeline;
  let transitions: BreakerState[];
  const failing = vi.fn(() => Promise.reject(new UpstreamServerError(503)));

  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    ok.mockClear();
    failing.mockClear();
    pipeline = createCallPipeline({ breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 } });
    transitions = [];
    pipeline.onBreakerStateChange((state) => transitions.push(state));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  async function open(): Promise<void> {
    for (let i = 0; i < 3; i++) await outcomeOf(pipeline, failing);
  }

  it('opens after exactly N consecutive 5xx failures, then fails fast without calling', async () => {
    await outcomeOf(pipeline, failing);
    await outcomeOf(pipeline, failing);
    expect(pipeline.breakerState()).toBe('closed');
    await outcomeOf(pipeline, failing);
    expect(pipeline.breakerState()).toBe('open');
    expect(failing).toHaveBeenCalledTimes(3);

    expect(await outcomeOf(pipeline, ok)).toBeInstanceOf(CircuitOpen);
    expect(ok).not.toHaveBeenCalled();
  });

  it('counts only failures in a row: a success in between resets the count', async () => {
    await outcomeOf(pipeline, failing);
    await outcomeOf(pipeline, failing);
    await outcomeOf(pipeline, ok);
    await outcomeOf(pipeline, failing);
    await outcomeOf(pipeline, failing);
    expect(pipeline.breakerState()).toBe('closed');
  });

  it('half-opens after halfOpenAfterMs, letting one trial call through, and closes when it succeeds', async () => {
    await open();
    await vi.advanceTimersByTimeAsync(999);
    expect(await outcomeOf(pipeline, ok)).toBeInstanceOf(CircuitOpen);

    await vi.advanceTimersByTimeAsync(1);
    let stateDuringTrial: BreakerState | undefined;
    const trial = vi.fn(() => {
      stateDuringTrial = pipeline.breakerState();
      return Promise.resolve('recovered');
    });
    expect(await outcomeOf(pipeline, trial)).toBe('recovered');
    expect(stateDuringTrial).toBe('half_open');
    expect(pipeline.breakerState()).toBe('closed');
    expect(transitions).toEqual(['open', 'half_open', 'closed']);
    expect(await outcomeOf(pipeline, ok)).toBe('ok');
  });

  it('reopens when the trial call fails, for another interval', async () => {
    await open();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await outcomeOf(pipeline, failing)).toBeInstanceOf(UpstreamServerError);
    expect(transitions).toEqual(['open', 'half_open', 'open']);
    expect(await outcomeOf(pipeline, ok)).toBeInstanceOf(CircuitOpen);
    expect(failing).toHaveBeenCalledTimes(4);
  });

  it('is never opened by 4xx-class errors or by errors that are not MeshErrors', async () => {
    const conflict = vi.fn(() => Promise.reject(new Conflict('version mismatch')));
    const forbidden = vi.fn(() => Promise.reject(new IdentityRejected('not allowed')));
    const bug = vi.fn(() => Promise.reject(new TypeError('bug')));
    for (let i = 0; i < 5; i++) {
      await outcomeOf(pipeline, conflict);
      await outcomeOf(pipeline, forbidden);
      await outcomeOf(pipeline, bug);
    }
    expect(pipeline.breakerState()).toBe('closed');
    expect(conflict.mock.calls.length + forbidden.mock.calls.length + bug.mock.calls.length).toBe(15);
  });

  it('sits inside the retry: each try of a retried GET counts, and the circuit opening ends the retries', async () => {
    const retried = createCallPipeline({ breaker: { consecutiveFailures: 5 } });
    const call = vi.fn(() => Promise.reject(new UpstreamServerError(503)));
    expect(await outcomeOf(retried, call, GET)).toBeInstanceOf(UpstreamServerError);
    expect(call).toHaveBeenCalledTimes(3);
    // Tries 4 and 5 open the circuit; the third try of this call is refused without calling.
    expect(await outcomeOf(retried, call, GET)).toBeInstanceOf(CircuitOpen);
    expect(call).toHaveBeenCalledTimes(5);
  });

  it("does not count the bulkhead's own rejections against the upstream", async () => {
    const narrow = createCallPipeline({ breaker: { consecutiveFailures: 1 }, bulkhead: { maxConcurrent: 1, maxQueued: 0 } });
    const running = narrow.execute(() => new Promise<string>(() => undefined), POST);
    running.catch(() => undefined);
    for (let i = 0; i < 3; i++) {
      await expect(narrow.execute(ok, POST)).rejects.toBeInstanceOf(ConcurrencyLimitReached);
    }
    expect(narrow.breakerState()).toBe('closed');
  });

  it('keeps calling when a state listener throws', async () => {
    pipeline.onBreakerStateChange(() => {
      throw new Error('metrics exporter down');
    });
    await open();
    expect(pipeline.breakerState()).toBe('open');
  });
});

describe('isUpstreamFailure', () => {
  it('is true for 5xx-class MeshErrors only', () => {
    expect(isUpstreamFailure(new UpstreamServerError(500))).toBe(true);
    expect(isUpstreamFailure(new NoHealthyUpstream('none'))).toBe(true);
    expect(isUpstreamFailure(new Conflict('x'))).toBe(false);
    expect(isUpstreamFailure(new Error('x'))).toBe(false);
  });
});

describe('breakerStateOf', () => {
  it("names cockatiel's states, an isolated circuit being open", () => {
    expect([CircuitState.Closed, CircuitState.Open, CircuitState.HalfOpen, CircuitState.Isolated].map(breakerStateOf)).toEqual([
      'closed',
      'open',
      'half_open',
      'open',
    ]);
  });
});

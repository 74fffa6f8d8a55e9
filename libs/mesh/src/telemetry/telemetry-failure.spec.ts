import { afterEach, describe, expect, it, vi } from 'vitest';
import { MeshError } from '../errors/mesh-error';
import { guardTelemetry, reportTelemetryFailure, setTelemetryFailureHandler, TelemetryFailure, warnOncePerOperation } from './telemetry-failure';

describe('telemetry failures', () => {
  afterEach(() => {
    setTelemetryFailureHandler(warnOncePerOperation);
    vi.restoreAllMocks();
  });

  it('hands a failing action to the one handler and returns the fallback', () => {
    const seen: TelemetryFailure[] = [];
    setTelemetryFailureHandler((failure) => seen.push(failure));
    const cause = new Error('collector gone');

    expect(
      guardTelemetry('flush spans', 'fallback', () => {
        throw cause;
      }),
    ).toBe('fallback');
    expect(guardTelemetry('flush spans', 'fallback', () => 'done')).toBe('done');

    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(MeshError);
    expect(seen[0]).toMatchObject({ code: 'telemetry_failure', retryable: false, operation: 'flush spans', cause });
    expect(seen[0]?.message).toBe('telemetry operation "flush spans" failed: collector gone');
  });

  it('survives a handler that throws', () => {
    setTelemetryFailureHandler(() => {
      throw new Error('logger closed');
    });
    expect(() => reportTelemetryFailure('end span', new Error('x'))).not.toThrow();
    expect(
      guardTelemetry('end span', 0, () => {
        throw new Error('x');
      }),
    ).toBe(0);
  });

  it('warns once per operation by default, so a failure on every request cannot flood stderr', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    for (let i = 0; i < 3; i += 1) reportTelemetryFailure('once-spec-a', new Error(`a${i}`));
    reportTelemetryFailure('once-spec-b', new TelemetryFailure('once-spec-b', 'b'));

    expect(warn.mock.calls).toEqual([
      ['telemetry operation "once-spec-a" failed: a0', { code: 'MESHMART_TELEMETRY_FAILURE' }],
      ['telemetry operation "once-spec-b" failed: b', { code: 'MESHMART_TELEMETRY_FAILURE' }],
    ]);
  });
});

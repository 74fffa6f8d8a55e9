import { describe, expect, it } from 'vitest';
import { eventually } from './eventually';

describe('eventually', () => {
  it('returns what the check returns once it stops throwing', async () => {
    let calls = 0;
    const value = await eventually(() => {
      calls += 1;
      if (calls < 3) throw new Error(`not yet (${calls})`);
      return 'ready';
    }, 5_000);
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('rethrows the last failure once the time is up', async () => {
    let calls = 0;
    await expect(
      eventually(() => {
        calls += 1;
        throw new Error(`still failing (${calls})`);
      }, 300),
    ).rejects.toThrow(/^still failing \((2|3)\)$/);
  });
});

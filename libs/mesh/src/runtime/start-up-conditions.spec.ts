import { describe, expect, it } from 'vitest';
import { StartUpConditions } from './start-up-conditions';

describe('StartUpConditions', () => {
  it('lists what is pending with its latest reason, and forgets what is met', () => {
    const conditions = new StartUpConditions();
    conditions.hold('postgres', 'connecting', { blocksTraffic: true });
    conditions.hold('kafka consumer a', 'joining orders.v1');
    conditions.hold('postgres', 'unreachable (2 tries)', { blocksTraffic: true });
    expect(conditions.list()).toEqual([
      { key: 'postgres', reason: 'unreachable (2 tries)', blocksTraffic: true },
      { key: 'kafka consumer a', reason: 'joining orders.v1', blocksTraffic: false },
    ]);
    conditions.release('postgres');
    expect(conditions.list().map((c) => c.key)).toEqual(['kafka consumer a']);
  });

  it('lets traffic through once nothing blocking is pending, and is all met once nothing is', async () => {
    const conditions = new StartUpConditions();
    conditions.hold('postgres', 'connecting', { blocksTraffic: true });
    conditions.hold('kafka consumer a', 'joining');
    const events: string[] = [];
    const traffic = conditions.whenTrafficAllowed().then(() => events.push('traffic'));
    const all = conditions.whenAllMet().then(() => events.push('all'));
    expect(conditions.blocksTraffic()).toBe(true);
    conditions.release('postgres');
    await traffic;
    expect(events).toEqual(['traffic']);
    conditions.release('kafka consumer a');
    await all;
    expect(events).toEqual(['traffic', 'all']);
    await expect(conditions.whenAllMet()).resolves.toBeUndefined();
  });
});

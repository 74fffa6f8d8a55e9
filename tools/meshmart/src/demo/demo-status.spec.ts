import { describe, expect, it } from 'vitest';
import type { DemoServiceRecord } from './demo-state';
import { demoServiceLines } from './demo-status';

const record = (name: string, pid: number, version?: string): DemoServiceRecord => ({
  name,
  instanceId: `${name}-abcd`,
  pid,
  url: `https://127.0.0.1:4${pid}`,
  restarts: 0,
  ...(version ? { version } : {}),
});
const running = () => true;

describe('demo service lines for stack status', () => {
  it('has no version column when no instance was given a version (a demo without --canary)', () => {
    const lines = demoServiceLines([record('order-service-1', 1001)], running);
    expect(lines).toEqual(['order-service-1  running  pid 1001    https://127.0.0.1:41001  restarts 0']);
  });

  it('shows each version in one aligned column, blank where none was set', () => {
    const lines = demoServiceLines(
      [record('gateway-1', 1001), record('payment-service-1', 1002, '0.1.0'), record('payment-service-3', 1003, '0.2.0-rc.1')],
      running,
    );
    expect(lines).toEqual([
      'gateway-1          running  pid 1001    https://127.0.0.1:41001                      restarts 0',
      'payment-service-1  running  pid 1002    https://127.0.0.1:41002  version 0.1.0       restarts 0',
      'payment-service-3  running  pid 1003    https://127.0.0.1:41003  version 0.2.0-rc.1  restarts 0',
    ]);
  });
});

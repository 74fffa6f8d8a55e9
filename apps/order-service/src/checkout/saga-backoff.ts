import { jitteredBackoffMs, resilienceDefaults } from '@meshmart/mesh';

/** The mesh's back-off for work retried until done, between tries of one saga step: 200 ms doubling, at most 5 s. */
export function sagaBackoffMs(attempts: number): number {
  return jitteredBackoffMs(attempts, resilienceDefaults.retries.untilDoneBackoff);
}

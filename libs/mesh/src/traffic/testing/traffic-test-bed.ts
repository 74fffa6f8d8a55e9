import { setTimeout as sleep } from 'node:timers/promises';
import type { EchoAnswer } from '../../testing/echo-service';
import type { MeshRuntime } from '../../runtime/mesh-runtime';

/**
 * How long a spec waits for a policy change, or an ejection's end, to reach a runtime. The
 * product's "within a second" is asserted once, by traffic-split's "reaches three callers";
 * everywhere else it is only a wait, and a loaded machine (etcd's fsync, a starved watcher) gets room.
 */
export const POLICY_WAIT_MS = 5_000;

/** Polls `check` until it holds; returns how long that took. Rejects after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, what = 'condition'): Promise<number> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await sleep(10);
  }
  return Date.now() - started;
}

/** `calls` GETs of `/echo` by `concurrency` callers at once; counts the answers per serving instance. */
export async function echoSpread(
  client: MeshRuntime,
  calls: number,
  { concurrency = 8, headers = {} }: { concurrency?: number; headers?: Record<string, string> } = {},
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let left = calls;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left > 0) {
        left -= 1;
        const { body } = await client.client('echo-service').get<EchoAnswer>('/echo', { headers });
        counts[body.instance] = (counts[body.instance] ?? 0) + 1;
      }
    }),
  );
  return counts;
}

/** The version of the echo-service policy a runtime has in force. */
export function policyVersion(runtime: MeshRuntime): string | undefined {
  return runtime.trafficPolicies()['echo-service']?.version;
}

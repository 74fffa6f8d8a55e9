import { AsyncLocalStorage } from 'node:async_hooks';
import type { Deadline } from '../resilience/deadline';

/** What an inbound request hands down to the calls made while handling it. */
export interface MeshRequestContext {
  /** The caller's deadline: outbound calls never outlive it. */
  deadline: Deadline | undefined;
  /** The caller's SPIFFE ID, when it came over mTLS. */
  caller: string | undefined;
  /**
   * Aborts when nobody waits for the answer any more: the deadline passed or the caller went
   * away. Long work should watch it and stop.
   */
  signal: AbortSignal;
}

const storage = new AsyncLocalStorage<MeshRequestContext>();

export function runWithRequestContext<T>(context: MeshRequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): MeshRequestContext | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` outside any inbound request: work a request starts but does not wait for (a saga
 * kicked off after a commit) must not inherit its caller's deadline or abort signal.
 */
export function runOutsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

import type { ServiceInstance } from '../discovery/service-instance';
import { randomIndex } from '../balancing/random-balancer';
import { selectSubset, type Labels } from './instance-labels';

/** The call being copied, as the client was asked to make it. */
export interface MirroredRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  body: Buffer | undefined;
}

export interface MirrorSenderOptions {
  service: string;
  /** The instances a copy may go to now: discovered, healthy, not ejected. */
  healthy: () => readonly ServiceInstance[];
  /** Sends one request to one instance (the client's own transport and mTLS agent). */
  send: (instance: ServiceInstance, request: MirroredRequest & { signal: AbortSignal }) => Promise<unknown>;
  /** A copy gets no longer than this before it is abandoned. */
  timeoutMs: number;
  random?: () => number;
  /** Told of each copy that failed; the caller never is. */
  onFailure?: (error: unknown) => void;
}

/**
 * Envoy's request mirroring: a copy of the call goes to an instance of the mirror subset with
 * its authority marked `-shadow`, and its answer, its failure and its latency are dropped, so
 * the caller's call is neither slower nor less reliable for it.
 */
export function createMirrorSender(options: MirrorSenderOptions): (labels: Labels, request: MirroredRequest) => void {
  const random = options.random ?? Math.random;
  return (labels, request) => {
    const targets = selectSubset(options.healthy(), labels);
    const instance = targets[randomIndex(random, targets.length)];
    if (!instance) return;
    const headers = { ...request.headers, host: `${options.service}-shadow` };
    // The caller's signal is left out on purpose: the copy must not end with the call. Sent on
    // the next turn of the event loop, so the real call's request is on the wire first.
    setImmediate(() => {
      options.send(instance, { ...request, headers, signal: AbortSignal.timeout(options.timeoutMs) }).catch((error: unknown) => options.onFailure?.(error));
    });
  };
}

import { z } from 'zod';
import { faultSchema, type FaultInjection, type TrafficPolicy } from './traffic-policy';

/**
 * A fault injected on a whole destination for a while (`meshmart fault`), stored under its own
 * key with an etcd lease of that length: etcd deletes it when the lease runs out.
 */
export const injectedFaultSchema = z
  .object({
    /** Same shape as a route's `fault`. */
    fault: faultSchema,
    /** When the lease runs out, for people reading it; etcd's lease is what really ends it. */
    expiresAt: z.iso.datetime(),
  })
  .strict();
export type InjectedFault = z.infer<typeof injectedFaultSchema>;
export type InjectedFaultInput = z.input<typeof injectedFaultSchema>;

/** A policy with the injected fault on every route; no policy becomes one catch-all route carrying it. */
export function withInjectedFault(policy: TrafficPolicy | undefined, service: string, fault: FaultInjection): TrafficPolicy {
  if (!policy) {
    return {
      apiVersion: 'meshmart.dev/v1',
      kind: 'TrafficPolicy',
      metadata: { name: `${service}-fault` },
      spec: { host: service, subsets: [], http: [{ name: 'injected-fault', route: [{ destination: {} }], fault }] },
    };
  }
  const http = policy.spec.http.length > 0 ? policy.spec.http : [{ name: 'default', route: [{ destination: {} }] }];
  // The injected fault replaces a route's own: it is what the operator asked for now.
  return { ...policy, spec: { ...policy.spec, http: http.map((route) => ({ ...route, fault })) } };
}

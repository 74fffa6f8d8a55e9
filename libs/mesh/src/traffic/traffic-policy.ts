import { z } from 'zod';

/**
 * The traffic policy of one destination service, shaped after Istio's VirtualService +
 * DestinationRule so the words carry over: `subsets` pick instances by label, `http` is an
 * ordered list of routes (first match wins), each route splits by weight across subsets and may
 * override timeout and retries, inject faults, or mirror. `trafficPolicy.locality` keeps calls
 * in the caller's zone and spills over as Envoy's locality priorities do.
 *
 * One YAML document per destination (`infra/traffic/*.yaml`); the runtime reads it from etcd,
 * `tools/deploy` renders it for Istio, Envoy and Linkerd.
 *
 * @example
 * apiVersion: meshmart.dev/v1
 * kind: TrafficPolicy
 * metadata: { name: payment-canary }
 * spec:
 *   host: payment-service
 *   subsets: [{ name: v1, labels: { version: '0.1.0' } }, { name: v2, labels: { version: '0.2.0' } }]
 *   http:
 *     - route: [{ destination: { subset: v1 }, weight: 90 }, { destination: { subset: v2 }, weight: 10 }]
 */

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const LABEL_KEY = /^[a-zA-Z0-9._/-]{1,63}$/;

/** `250ms`, `2s`, `1.5s`, `1m`: Istio's duration strings, as milliseconds. */
export const durationSchema = z
  .string()
  .regex(/^\d+(\.\d+)?(ms|s|m)$/, 'a duration such as 250ms, 2s or 1m')
  .transform((text) => {
    const value = Number.parseFloat(text);
    return text.endsWith('ms') ? value : text.endsWith('m') ? value * 60_000 : value * 1000;
  });

/** Istio's `Percent`: `{ value: 12.5 }`, 0–100. */
const percentageSchema = z.object({ value: z.number().min(0).max(100) }).strict();

/** Istio's StringMatch: exactly one of exact, prefix, regex (RE2 in Envoy; JS RegExp here, anchored). */
export const stringMatchSchema = z
  .object({ exact: z.string().optional(), prefix: z.string().optional(), regex: z.string().optional() })
  .strict()
  .superRefine((match, ctx) => {
    const set = (['exact', 'prefix', 'regex'] as const).filter((key) => match[key] !== undefined);
    if (set.length !== 1) ctx.addIssue({ code: 'custom', message: 'set exactly one of exact, prefix, regex' });
    if (match.regex !== undefined) {
      try {
        new RegExp(`^(?:${match.regex})$`);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['regex'], message: `not a valid regular expression: ${(error as Error).message}` });
      }
    }
  });
export type StringMatch = z.infer<typeof stringMatchSchema>;

/** One HTTPMatchRequest: all fields given must match (AND); a route's matches are OR-ed. */
export const httpMatchSchema = z
  .object({
    name: z.string().optional(),
    uri: stringMatchSchema.optional(),
    method: stringMatchSchema.optional(),
    /** Header names lower-case, as HTTP/2 and Envoy see them. */
    headers: z.record(z.string().regex(/^[a-z0-9-]+$/, 'a lower-case header name'), stringMatchSchema).optional(),
  })
  .strict();
export type HttpMatch = z.infer<typeof httpMatchSchema>;

const destinationSchema = z.object({ subset: z.string().regex(NAME).optional() }).strict();

const routeDestinationSchema = z.object({ destination: destinationSchema, weight: z.number().int().min(0).max(100).optional() }).strict();

export const faultSchema = z
  .object({
    delay: z.object({ fixedDelay: durationSchema, percentage: percentageSchema }).strict().optional(),
    abort: z
      .object({ httpStatus: z.number().int().min(200).max(599), percentage: percentageSchema })
      .strict()
      .optional(),
  })
  .strict()
  .refine((fault) => fault.delay !== undefined || fault.abort !== undefined, 'give delay, abort or both');
export type FaultInjection = z.infer<typeof faultSchema>;

export const retriesSchema = z
  .object({
    attempts: z.number().int().min(0).max(10),
    perTryTimeout: durationSchema.optional(),
  })
  .strict();

export const httpRouteSchema = z
  .object({
    name: z.string().regex(NAME).optional(),
    match: z.array(httpMatchSchema).min(1).optional(),
    route: z.array(routeDestinationSchema).min(1),
    timeout: durationSchema.optional(),
    retries: retriesSchema.optional(),
    fault: faultSchema.optional(),
    mirror: destinationSchema.optional(),
    mirrorPercentage: percentageSchema.optional(),
  })
  .strict()
  .superRefine((route, ctx) => {
    if (route.route.length > 1 && route.route.some((destination) => destination.weight === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['route'], message: 'give every destination a weight when there are several' });
    }
    const total = route.route.reduce((sum, destination) => sum + (destination.weight ?? 100), 0);
    if (route.route.length > 1 && total !== 100)
      ctx.addIssue({ code: 'custom', path: ['route'], message: `weights must add up to 100 (they add up to ${total})` });
    if (route.mirrorPercentage && !route.mirror) ctx.addIssue({ code: 'custom', path: ['mirrorPercentage'], message: 'needs mirror' });
  });
export type HttpRoute = z.infer<typeof httpRouteSchema>;

export const subsetSchema = z.object({ name: z.string().regex(NAME), labels: z.record(z.string().regex(LABEL_KEY), z.string().min(1)) }).strict();
export type Subset = z.infer<typeof subsetSchema>;

/**
 * Locality-aware balancing (Envoy's zone-aware routing and priority levels): calls stay in the
 * caller's zone while its healthy share × `overprovisioningFactor` ≥ 100 %, and spill to the
 * other zones in proportion below that. Outlier ejection and health checks decide "healthy".
 */
export const localitySchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Envoy's default 140: the local zone keeps all traffic while ≥ 1/1.4 ≈ 71 % of it is healthy. */
    overprovisioningFactor: z.number().int().min(100).max(1000).default(140),
  })
  .strict();

export const trafficPolicySchema = z
  .object({
    apiVersion: z.literal('meshmart.dev/v1'),
    kind: z.literal('TrafficPolicy'),
    metadata: z.object({ name: z.string().regex(NAME), namespace: z.string().regex(NAME).optional() }).strict(),
    spec: z
      .object({
        /** The destination service's name (`payment-service`). */
        host: z.string().regex(NAME),
        subsets: z.array(subsetSchema).default([]),
        http: z.array(httpRouteSchema).default([]),
        trafficPolicy: z.object({ locality: localitySchema.optional() }).strict().optional(),
      })
      .strict(),
  })
  .strict()
  .superRefine((policy, ctx) => {
    const names = new Set<string>();
    policy.spec.subsets.forEach((subset, index) => {
      if (names.has(subset.name))
        ctx.addIssue({ code: 'custom', path: ['spec', 'subsets', index, 'name'], message: `subset "${subset.name}" is defined twice` });
      names.add(subset.name);
    });
    policy.spec.http.forEach((route, index) => {
      const used = [
        ...route.route.map((destination, at) => ({ subset: destination.destination.subset, path: ['route', at, 'destination', 'subset'] })),
        { subset: route.mirror?.subset, path: ['mirror', 'subset'] },
      ];
      for (const { subset, path } of used) {
        if (subset !== undefined && !names.has(subset))
          ctx.addIssue({
            code: 'custom',
            path: ['spec', 'http', index, ...path],
            message: `no subset named "${subset}" (defined: ${[...names].join(', ') || 'none'})`,
          });
      }
      if (index < policy.spec.http.length - 1 && route.match === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['spec', 'http', index, 'match'],
          message: 'a route without match catches everything: only the last route may omit it',
        });
      }
    });
  });
export type TrafficPolicy = z.infer<typeof trafficPolicySchema>;
export type TrafficPolicyInput = z.input<typeof trafficPolicySchema>;

/** A refused policy: every problem with the path of the field it concerns, e.g. `spec.http[0].route: weights must add up to 100`. */
export class InvalidTrafficPolicy extends Error {
  override readonly name = 'InvalidTrafficPolicy';
  constructor(readonly problems: string[]) {
    super(`invalid traffic policy:\n  ${problems.join('\n  ')}`);
  }
}

/** Validates a parsed document (from YAML or etcd); throws {@link InvalidTrafficPolicy} naming each bad field. */
export function parseTrafficPolicy(document: unknown): TrafficPolicy {
  const parsed = trafficPolicySchema.safeParse(document);
  if (parsed.success) return parsed.data;
  throw new InvalidTrafficPolicy(parsed.error.issues.map((issue) => `${fieldPath(issue.path)}: ${issue.message}`));
}

function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? String(part) : `${text}.${String(part)}`), '') ||
    '(document)'
  );
}

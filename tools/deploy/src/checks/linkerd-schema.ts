import { z } from 'zod';
import { describe, type KubeObject } from './kubernetes-render';

/**
 * The fields of Linkerd's policy resources this repository uses, written from Linkerd's
 * reference (https://linkerd.io/2/reference/authorization-policy/): Server (policy.linkerd.io
 * v1beta3), AuthorizationPolicy, MeshTLSAuthentication and NetworkAuthentication (v1alpha1).
 * Strict: a field the reference does not give, or a misspelt one, is refused. No published
 * model package validates them.
 */
const NAME = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'a DNS-1123 name');
const metadata = z
  .object({ name: NAME, namespace: NAME, labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() })
  .strict();
const resource = <Kind extends string>(apiVersion: string, kind: Kind, spec: z.ZodType) =>
  z.object({ apiVersion: z.literal(apiVersion), kind: z.literal(kind), metadata, spec }).strict();

const labelSelector = z
  .object({
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z
      .array(z.object({ key: z.string(), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']), values: z.array(z.string()).optional() }).strict())
      .optional(),
  })
  .strict()
  .refine((selector) => selector.matchLabels !== undefined || selector.matchExpressions !== undefined, 'give matchLabels or matchExpressions');

const server = z
  .object({
    podSelector: labelSelector.optional(),
    externalWorkloadSelector: labelSelector.optional(),
    port: z.union([z.number().int().min(1).max(65535), z.string().regex(/^[a-z0-9-]{1,15}$/, 'a container port name')]),
    proxyProtocol: z.enum(['unknown', 'HTTP/1', 'HTTP/2', 'gRPC', 'opaque', 'TLS']).optional(),
    accessPolicy: z.enum(['deny', 'all-unauthenticated', 'all-authenticated', 'cluster-unauthenticated', 'cluster-authenticated', 'audit']).optional(),
  })
  .strict()
  .refine(
    (spec) => (spec.podSelector === undefined) !== (spec.externalWorkloadSelector === undefined),
    'give exactly one of podSelector, externalWorkloadSelector',
  );

const targetRef = z.object({ group: z.string().optional(), kind: z.string().min(1), name: NAME, namespace: NAME.optional() }).strict();
const authorizationPolicy = z
  .object({
    targetRef: targetRef.refine(
      (ref) => ['Server', 'HTTPRoute', 'GRPCRoute', 'Namespace'].includes(ref.kind),
      'targets a Server, HTTPRoute, GRPCRoute or Namespace',
    ),
    requiredAuthenticationRefs: z.array(
      targetRef.refine(
        (ref) => ['MeshTLSAuthentication', 'NetworkAuthentication', 'ServiceAccount'].includes(ref.kind),
        'a MeshTLSAuthentication, NetworkAuthentication or ServiceAccount',
      ),
    ),
  })
  .strict();

const meshTlsAuthentication = z
  .object({
    identities: z
      .array(z.string().regex(/^(\*|[a-z0-9*.-]+)$/, "a Linkerd identity (`<sa>.<ns>.serviceaccount.identity.linkerd.<domain>`) or '*'"))
      .min(1)
      .optional(),
    identityRefs: z
      .array(z.object({ kind: z.string(), name: NAME.optional(), namespace: NAME.optional() }).strict())
      .min(1)
      .optional(),
  })
  .strict()
  .refine((spec) => (spec.identities === undefined) !== (spec.identityRefs === undefined), 'give exactly one of identities, identityRefs');

const cidr = z.string().regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, 'a CIDR');
const networkAuthentication = z.object({ networks: z.array(z.object({ cidr, except: z.array(cidr).optional() }).strict()).min(1) }).strict();

const schemas: Record<string, z.ZodType> = {
  'policy.linkerd.io/v1beta3/Server': resource('policy.linkerd.io/v1beta3', 'Server', server),
  'policy.linkerd.io/v1alpha1/AuthorizationPolicy': resource('policy.linkerd.io/v1alpha1', 'AuthorizationPolicy', authorizationPolicy),
  'policy.linkerd.io/v1alpha1/MeshTLSAuthentication': resource('policy.linkerd.io/v1alpha1', 'MeshTLSAuthentication', meshTlsAuthentication),
  'policy.linkerd.io/v1alpha1/NetworkAuthentication': resource('policy.linkerd.io/v1alpha1', 'NetworkAuthentication', networkAuthentication),
};

/** A Linkerd policy object against the schema above; each problem names the field. */
export function linkerdSchemaProblems(object: KubeObject): string[] {
  const schema = schemas[`${object.apiVersion}/${object.kind}`];
  if (!schema) return [`${describe(object)}: no schema for ${object.apiVersion} ${object.kind} (the Linkerd variant uses ${Object.keys(schemas).join(', ')})`];
  const parsed = schema.safeParse(object);
  return parsed.success ? [] : parsed.error.issues.map((issue) => `${describe(object)}: ${issue.path.join('.') || '(object)'}: ${issue.message}`);
}

import { z } from 'zod';
import type { AuthorizationPolicy } from './authorization-policy';
import { pathTemplateProblem } from './uri-template';

/**
 * What Istio's admission webhook (ValidateAuthorizationPolicy) accepts, for the fields this
 * model has, so a policy that passes here passes `kubectl apply`: no empty value anywhere, no
 * empty `from`/`to` list, no empty source or operation, templates only as whole `{*}`/`{**}`
 * segments with `{**}` last, and a DENY policy must have rules. Principals and methods take
 * any non-empty string, as Istio's do (`*`, `prefix*`, `*suffix` included).
 */
const values = (field: string) => z.array(z.string().min(1, `${field}: empty value not allowed`)).optional();
const paths = (field: string) =>
  values(field).superRefine((list, context) => {
    for (const path of list ?? []) {
      const problem = pathTemplateProblem(path);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    }
  });
const given = (list: readonly string[] | undefined) => (list?.length ?? 0) > 0;

const source = z
  .object({
    principals: values('principals'),
    notPrincipals: values('notPrincipals'),
    namespaces: values('namespaces'),
    notNamespaces: values('notNamespaces'),
  })
  .strict()
  .refine((s) => given(s.principals) || given(s.notPrincipals) || given(s.namespaces) || given(s.notNamespaces), '`from.source` must not be empty');

const operation = z
  .object({ methods: values('methods'), notMethods: values('notMethods'), paths: paths('paths'), notPaths: paths('notPaths') })
  .strict()
  .refine((o) => given(o.methods) || given(o.notMethods) || given(o.paths) || given(o.notPaths), '`to.operation` must not be empty');

const rule = z
  .object({
    from: z.array(z.object({ source }).strict()).min(1, '`from` must not be empty').optional(),
    to: z.array(z.object({ operation }).strict()).min(1, '`to` must not be empty').optional(),
  })
  .strict();

export const authorizationPolicySchema = z
  .object({
    workload: z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a workload name is a DNS label'),
    action: z.enum(['ALLOW', 'DENY']).optional(),
    rules: z.array(rule),
  })
  .strict()
  .refine((policy) => policy.action !== 'DENY' || policy.rules.length > 0, {
    message: 'DENY action without `rules` is meaningless as it will never be triggered',
    path: ['rules'],
  });

/** Validates policy data, throwing one error that lists every problem. */
export function parseAuthorizationPolicy(data: unknown): AuthorizationPolicy {
  const parsed = authorizationPolicySchema.safeParse(data);
  if (!parsed.success) throw new Error(`invalid authorization policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data as AuthorizationPolicy;
}

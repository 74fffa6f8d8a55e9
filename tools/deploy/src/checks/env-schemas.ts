import { meshConfigSchema } from '@meshmart/mesh/tools';
import { persistenceConfigSchema } from '@meshmart/persistence';
import type { z } from 'zod';
import type { PlatformModel, WorkloadDeployment } from '../platform/platform';

/** A configuration schema an app validates its environment with at start-up. */
export interface EnvSchema {
  name: string;
  schema: z.ZodType;
}

/** The schemas a workload's environment must satisfy: the mesh's, the persistence's (if it keeps state), its own. */
export async function envSchemasOf(platform: PlatformModel, workload: WorkloadDeployment): Promise<EnvSchema[]> {
  const own = [...(await platform.sources.configSchemas(workload.name))].map(([name, schema]) => ({ name, schema }));
  return [
    { name: 'meshConfigSchema', schema: meshConfigSchema },
    ...(workload.persistence ? [{ name: 'persistenceConfigSchema', schema: persistenceConfigSchema }] : []),
    ...own,
  ];
}

/**
 * What is wrong with an environment for a workload, in the app's own words: each schema
 * parses it as the app would at start-up. `opaque` variables (from Secrets) count as present
 * with a value this check cannot see. Variables no schema reads are reported too (typos).
 */
export function envProblems(
  where: string,
  workload: string,
  env: Record<string, string>,
  schemas: readonly EnvSchema[],
  opaque: ReadonlySet<string> = new Set(),
): string[] {
  const problems: string[] = [];
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  for (const { name, schema } of schemas) {
    const parsed = schema.safeParse(present);
    if (parsed.success) continue;
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? '');
      if (opaque.has(variable)) continue;
      problems.push(
        variable in present
          ? `${where}: ${variable}=${JSON.stringify(present[variable])} is refused by ${workload}'s ${name}: ${issue.message}`
          : `${where} lacks ${variable}, which ${workload} requires (${name}: ${issue.message})`,
      );
    }
  }
  const known = new Set(
    schemas.flatMap(({ schema }) => ('shape' in schema && schema.shape && typeof schema.shape === 'object' ? Object.keys(schema.shape) : [])),
  );
  for (const variable of Object.keys(env))
    if (!known.has(variable) && !opaque.has(variable)) problems.push(`${where} sets ${variable}, which no configuration schema of ${workload} reads`);
  return problems;
}

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidWorkloadDescriptor, type WorkloadDescriptor, workloadSetProblems } from '@meshmart/contracts';
import type { MeshModuleOptions } from '@meshmart/mesh';
import type { z } from 'zod';

/**
 * Reads what the deployment manifests must agree with from the apps themselves: their mesh
 * options (`src/mesh.ts`), their configuration schemas (`src/*-config.ts`) and their root
 * module (for the routes' authorization). The apps are read as data by path, the way Nx reads
 * projects, so this tool does not become a dependency of any app (module boundaries stay as
 * they are: no project imports an app).
 */
/** Each app's workload descriptor, beside its main.ts. */
export const WORKLOAD_FILE = 'workload.ts';

export class AppSources {
  constructor(private readonly workspaceRoot: string) {}

  private sourceDir(app: string): string {
    const dir = join(this.workspaceRoot, 'apps', app, 'src');
    if (!existsSync(dir)) throw new Error(`no app "${app}" in ${join(this.workspaceRoot, 'apps')}`);
    return dir;
  }

  /**
   * Every app's workload descriptor (`apps/<app>/src/workload.ts`), in the order of the apps'
   * folders: found by listing `apps/`, so a new app joins by having one. Throws naming the file
   * of an app without one, and every problem of the set (names, ports, upstreams).
   */
  async workloadDescriptors(): Promise<WorkloadDescriptor[]> {
    const appsDir = join(this.workspaceRoot, 'apps');
    const apps = readdirSync(appsDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    const descriptors: WorkloadDescriptor[] = [];
    for (const app of apps) {
      const file = join(this.sourceDir(app), WORKLOAD_FILE);
      if (!existsSync(file)) throw new Error(`apps/${app}/src/${WORKLOAD_FILE} is missing: every app describes its workload there`);
      const { workload } = (await import(file)) as { workload?: WorkloadDescriptor };
      if (!workload) throw new Error(`apps/${app}/src/${WORKLOAD_FILE} exports no \`workload\` (defineWorkload({ ... }))`);
      if (workload.name !== app) throw new InvalidWorkloadDescriptor(workload.name, [`name: "${workload.name}" is not its app's folder, apps/${app}`]);
      descriptors.push(workload);
    }
    const problems = workloadSetProblems(descriptors);
    if (problems.length > 0) throw new Error(`apps/*/src/${WORKLOAD_FILE}: ${problems.join('; ')}`);
    return descriptors;
  }

  /** The app's `mesh` object: its workload name and upstreams. */
  async meshOptions(app: string): Promise<MeshModuleOptions> {
    const module = (await import(join(this.sourceDir(app), 'mesh.ts'))) as { mesh?: MeshModuleOptions };
    if (!module.mesh) throw new Error(`apps/${app}/src/mesh.ts exports no \`mesh\``);
    return module.mesh;
  }

  /** Every `*ConfigSchema` exported by the app's `src/*-config.ts` files, by export name. */
  async configSchemas(app: string): Promise<Map<string, z.ZodType>> {
    const dir = this.sourceDir(app);
    const schemas = new Map<string, z.ZodType>();
    for (const file of readdirSync(dir)
      .filter((name) => name.endsWith('-config.ts'))
      .sort()) {
      const module = (await import(join(dir, file))) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) if (name.endsWith('ConfigSchema') && isZodSchema(value)) schemas.set(name, value);
    }
    return schemas;
  }

  /**
   * The public paths an app serves outside its controllers (Swagger UI and the OpenAPI
   * document of `src/docs/openapi.ts`), as Istio path patterns; none for an app without docs.
   */
  async documentationPaths(app: string): Promise<string[]> {
    const file = join(this.sourceDir(app), 'docs', 'openapi.ts');
    if (!existsSync(file)) return [];
    const { openApiRoutes } = (await import(file)) as { openApiRoutes?: { ui: string; document: string } };
    if (!openApiRoutes) throw new Error(`apps/${app}/src/docs/openapi.ts exports no \`openApiRoutes\``);
    const ui = `/${openApiRoutes.ui}`;
    const document = `/${openApiRoutes.document}`;
    return [ui, `${ui}/*`, ...(document.startsWith(`${ui}/`) ? [] : [document])];
  }

  /** The app's root Nest module class (`AppModule` of `src/app.module.ts`). */
  async appModule(app: string): Promise<object> {
    const module = (await import(join(this.sourceDir(app), 'app.module.ts'))) as { AppModule?: object };
    if (!module.AppModule) throw new Error(`apps/${app}/src/app.module.ts exports no AppModule`);
    return module.AppModule;
  }
}

function isZodSchema(value: unknown): value is z.ZodType {
  return typeof value === 'object' && value !== null && 'safeParse' in value && typeof (value as { safeParse: unknown }).safeParse === 'function';
}

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { linkerdSchemaProblems } from './linkerd-schema';
import { runTool } from './tools';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export type Rendered = { overlay: string; objects: KubeObject[] } | { overlay: string; error: string };

/** `kubectl kustomize` of every overlay in k8s/overlays; undefined when kubectl is missing. */
export function renderOverlays(root: string): Rendered[] | undefined {
  const overlays = readdirSync(join(root, 'k8s', 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const rendered: Rendered[] = [];
  for (const overlay of overlays) {
    const run = runTool('kubectl', ['kustomize', join(root, 'k8s', 'overlays', overlay)]);
    if (!run) return undefined;
    if (!run.ok) {
      rendered.push({ overlay, error: run.output });
      continue;
    }
    rendered.push({
      overlay,
      objects: parseAllDocuments(run.output)
        .map((document) => document.toJS() as KubeObject)
        .filter(Boolean),
    });
  }
  return rendered;
}

/** `kubectl kustomize` of one directory (k8s/linkerd); undefined when kubectl is missing. */
export function renderKustomization(root: string, dir: string): Rendered | undefined {
  const run = runTool('kubectl', ['kustomize', join(root, dir)]);
  if (!run) return undefined;
  return run.ok
    ? {
        overlay: dir,
        objects: parseAllDocuments(run.output)
          .map((document) => document.toJS() as KubeObject)
          .filter(Boolean),
      }
    : { overlay: dir, error: run.output };
}

/**
 * The model packages are ES modules whose `exports` have only an `import` condition, which the
 * CommonJS build of this tool cannot resolve: find the file through that condition and load it
 * with `require` (Node 24 loads ES modules that way).
 */
function importEsm(specifier: string): unknown {
  const [scopeOrName, ...rest] = specifier.split('/');
  const name = scopeOrName?.startsWith('@') ? `${scopeOrName}/${rest.shift() ?? ''}` : (scopeOrName ?? '');
  const dir = (require.resolve.paths(name) ?? []).map((base) => join(base, name)).find((candidate) => existsSync(join(candidate, 'package.json')));
  if (!dir) throw new Error(`${name} is not installed`);
  const { exports } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports: Record<string, { import?: string } | undefined> };
  const file = exports[rest.length ? `./${rest.join('/')}` : '.']?.import;
  if (!file) throw new Error(`${specifier} is not exported`);
  return require(join(dir, file)) as unknown;
}

export const describe = (object: KubeObject) => `${object.kind} ${object.metadata.namespace ?? '(cluster)'}/${object.metadata.name}`;

/** Validates an object against its JSON schema from kubernetes-models, @kubernetes-models/istio or @kubernetes-models/gateway-api; Linkerd's policy resources against the schema written from its reference. */
export async function schemaProblems(object: KubeObject): Promise<string[]> {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  if (group === 'policy.linkerd.io') return linkerdSchemaProblems(object);
  const modulePath = group?.endsWith('istio.io')
    ? `@kubernetes-models/istio/${group}/${version}`
    : group === 'gateway.networking.k8s.io'
      ? `@kubernetes-models/gateway-api/${group}/${version}`
      : `kubernetes-models/${group ? `${group}/` : ''}${version}`;
  let models: Record<string, unknown>;
  try {
    models = importEsm(modulePath) as Record<string, unknown>;
  } catch {
    return [`${describe(object)}: no schema for apiVersion ${object.apiVersion}`];
  }
  const Model = models[object.kind] as (new (data: unknown) => { validate(): void }) | undefined;
  if (!Model) return [`${describe(object)}: ${object.apiVersion} has no kind ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    return errors?.length
      ? errors.map((e) => `${describe(object)}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
      : [`${describe(object)}: ${(error as Error).message}`];
  }
}

import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { formatFiles, type GeneratorCallback, generateFiles, type Tree } from '@nx/devkit';
import { type ServiceGeneratorSchema, serviceOptions } from './service-options';
import { declaredTopics, existingWorkloads } from './workspace-facts';

const FILES = join(__dirname, 'files');

/**
 * `npx nx g @meshmart/workspace:service <name> [--upstreams a,b] [--consumes topic] [--database]`:
 * writes the app in the canonical shape (descriptor, start, module, a feature with its
 * refusals and problems, unit and integration specs, README), its wire types in
 * `@meshmart/contracts`, and — unless `--dry-run` — then links the new workspace package and
 * regenerates every deployment file from the descriptors, so the service joins the platform
 * with no hand edit.
 */
export default async function serviceGenerator(tree: Tree, schema: ServiceGeneratorSchema): Promise<GeneratorCallback> {
  const options = serviceOptions(schema, existingWorkloads(tree), declaredTopics(tree), Date.now());
  // Every name the templates read, set even when empty: EJS throws on a missing one.
  const values = { ...options, database: options.database ?? '', tmpl: '' };
  const appRoot = `apps/${options.name}`;
  generateFiles(tree, join(FILES, 'app'), appRoot, values);
  if (options.database) generateFiles(tree, join(FILES, 'database'), appRoot, values);
  for (const consumer of options.consumers) generateFiles(tree, join(FILES, 'consumer'), appRoot, { ...values, ...consumer });
  generateFiles(tree, join(FILES, 'contracts'), 'libs/contracts/src', values);
  exportFromContracts(tree, [
    `export { ${options.propertyName}ItemIdSchema, ${options.propertyName}ItemSchema, upsert${options.className}ItemSchema } from './${options.stem}';`,
    `export type { ${options.className}Item, Upsert${options.className}Item } from './${options.stem}';`,
  ]);
  // Laid out as the workspace's Prettier configuration says, so the new files pass lint as written.
  await formatFiles(tree);
  return () => {
    const root = tree.root;
    console.log(`${options.name}: linking the workspace package (npm install)…`);
    execFileSync('npm', ['install', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    console.log(`${options.name}: regenerating the deployment files from the descriptors…`);
    execFileSync(process.execPath, ['tools/deploy/bin/meshmart-deploy.cjs', 'generate'], { cwd: root, stdio: 'inherit' });
  };
}

/** Adds the new module's names to the contracts' public API, after the other modules. */
function exportFromContracts(tree: Tree, lines: readonly string[]): void {
  const index = 'libs/contracts/src/index.ts';
  const text = tree.read(index, 'utf-8') ?? '';
  const present = new Set(text.split('\n'));
  const missing = lines.filter((line) => !present.has(line));
  if (missing.length > 0) tree.write(index, `${text.replace(/\n*$/, '\n')}${missing.join('\n')}\n`);
}

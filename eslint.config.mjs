import nx from '@nx/eslint-plugin';
import prettierRecommended from 'eslint-plugin-prettier/recommended';
import { defineConfig } from 'eslint/config';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The dependency rules of the design, as Nx tags on two axes (scope and type):
// apps may import libs; libs never import apps; `contracts` imports nothing of ours; `mesh`
// knows nothing of commerce. Domain code (the `domain/` folders of the apps, below) imports no
// framework, no I/O and nothing of ours but contracts.
const frameworkAndIo = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', 'etcd3', '@opentelemetry/sdk-*', 'fastify'];

// A service's code imports the mesh's service surface; its tools and test beds are for the CLI and specs.
const serviceSurfaceOnly = { group: ['@meshmart/mesh/tools', '@meshmart/mesh/testing'], message: 'a service imports @meshmart/mesh; /tools and /testing are for the CLI, the deployment generator and specs' };
const domainImports = {
  group: [...frameworkAndIo, 'undici', 'node:*', '@meshmart/*', '!@meshmart/contracts'],
  message: 'domain code is plain TypeScript: no framework, no I/O, nothing of ours but @meshmart/contracts',
};
const testFiles = ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', '**/src/**/testing/**/*.ts'];

const typeRules = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:data-access', 'type:messaging', 'type:mesh', 'type:contracts'] },
  // The data side reports to the instance's readiness and waits with the mesh's back-off, as messaging does.
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:contracts', 'type:messaging', 'type:mesh'] },
  { sourceTag: 'type:messaging', onlyDependOnLibsWithTags: ['type:contracts', 'type:mesh'] },
  { sourceTag: 'type:mesh', onlyDependOnLibsWithTags: ['type:mesh'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: frameworkAndIo },
  // libs/platform starts the local platform (the CLI's demo, the tests): the apps as processes, never as imports.
  { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:contracts'] },
  // libs/testing serves every other project's tests, so it may depend on nothing they are.
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:contracts', 'type:mesh', 'type:messaging', 'type:data-access', 'type:platform'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:mesh', 'type:platform', 'type:testing'] },
];

// One scope per app, read from the apps' own tags (apps/*/project.json, written with the app),
// so a new app brings its scope rule with it: a scope may use itself and the shared libs.
const appsDir = join(import.meta.dirname, 'apps');
const appScopes = readdirSync(appsDir, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(appsDir, entry.name, 'project.json')))
  .flatMap((entry) => JSON.parse(readFileSync(join(appsDir, entry.name, 'project.json'), 'utf8')).tags ?? [])
  .filter((tag) => tag.startsWith('scope:') && tag !== 'scope:shared')
  .map((tag) => tag.slice('scope:'.length));

const scopeRules = [...new Set(appScopes)].sort().map((scope) => ({
  sourceTag: `scope:${scope}`,
  onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
}));

const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: false, allowCircularSelfDependency: false, banTransitiveDependencies: false, depConstraints: constraints },
];

const allConstraints = [...typeRules, ...scopeRules, { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] }];

// Tests of any project may use libs/testing and libs/platform, and nothing else beyond what their project may.
const testConstraints = allConstraints.map((rule) =>
  rule.sourceTag.startsWith('type:') && rule.sourceTag !== 'type:testing'
    ? { ...rule, onlyDependOnLibsWithTags: [...new Set([...rule.onlyDependOnLibsWithTags, 'type:testing', 'type:platform'])] }
    : rule,
);

export default defineConfig(
  { ignores: ['**/node_modules', '**/dist', 'tmp', '.nx', '.meshmart', 'infra/kafka/libs', '**/*.mjs', '**/*.cjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(allConstraints),
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Layout is Prettier's (.prettierrc.json); a file it would format differently fails lint.
  { ...prettierRecommended, files: ['**/*.ts'] },
  {
    files: ['apps/*/src/**/*.ts'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': ['error', { patterns: [serviceSurfaceOnly] }] },
  },
  {
    files: ['apps/*/src/**/domain/**/*.ts'],
    ignores: testFiles,
    rules: { 'no-restricted-imports': ['error', { patterns: [serviceSurfaceOnly, domainImports] }] },
  },
  {
    // Test files, and test support kept in a project's own `testing/` folders.
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints) },
  },
);

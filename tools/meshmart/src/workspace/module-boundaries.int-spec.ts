import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';

const root = findWorkspaceRoot(__dirname);

/** Lints one made-up source file with the workspace's real ESLint config and Nx project graph. */
async function boundaryErrors(file: string, source: string, rule = '@nx/enforce-module-boundaries'): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    // Type-aware rules need the file on disk; the boundary rules need only the path and imports.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === rule,
  });
  const [result] = await eslint.lintText(source, { filePath: join(root, file) });
  return (result?.messages ?? []).map((message) => `${message.ruleId}: ${message.message}`);
}

describe('module boundaries (DESIGN.md §2)', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph; make sure it exists and is current.
    const graph = spawnSync('nx', ['show', 'projects'], { cwd: root, encoding: 'utf8', env: { ...process.env, NX_DAEMON: 'false' } });
    expect(graph.status, graph.stderr).toBe(0);
  });

  it('lets an app import a lib', async () => {
    expect(await boundaryErrors('apps/cart-service/src/probe.ts', "import { MeshModule } from '@meshmart/mesh';\nexport const m = MeshModule;\n")).toEqual([]);
  });

  it('fails when a lib imports an app', async () => {
    const errors = await boundaryErrors('libs/mesh/src/probe.ts', "import { AppModule } from '@meshmart/gateway';\nexport const m = AppModule;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^@nx\/enforce-module-boundaries: Imports of apps are forbidden/);
  });

  it('fails when contracts imports another lib', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import { createKafka } from '@meshmart/messaging';\nexport const k = createKafka;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe('@nx/enforce-module-boundaries: A project tagged with "type:contracts" can only depend on libs tagged with "type:contracts"');
  });

  it('fails when contracts imports a framework', async () => {
    const errors = await boundaryErrors('libs/contracts/src/probe.ts', "import { Injectable } from '@nestjs/common';\nexport const i = Injectable;\n");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBe('@nx/enforce-module-boundaries: A project tagged with "type:contracts" is not allowed to import "@nestjs/common"');
  });

  it('fails when the mesh imports commerce contracts', async () => {
    const errors = await boundaryErrors('libs/mesh/src/probe.ts', "import { workloads } from '@meshmart/contracts';\nexport const w = workloads;\n");
    expect(errors).toEqual(['@nx/enforce-module-boundaries: A project tagged with "type:mesh" can only depend on libs tagged with "type:mesh"']);
  });

  it('fails when one service imports another', async () => {
    const errors = await boundaryErrors(
      'apps/cart-service/src/probe.ts',
      "import { AppModule } from '@meshmart/order-service';\nexport const m = AppModule;\n",
    );
    expect(errors).toEqual(['@nx/enforce-module-boundaries: Imports of apps are forbidden']);
  });

  it('keeps domain folders free of frameworks, I/O and our other libs, contracts aside', async () => {
    const domain = 'apps/order-service/src/checkout/domain/probe.ts';
    const restricted = (source: string) => boundaryErrors(domain, source, 'no-restricted-imports');
    expect(await restricted("import { DataSource } from 'typeorm';\nexport const d = DataSource;\n")).toEqual([
      expect.stringMatching(/^no-restricted-imports: 'typeorm' import is restricted .* domain code is plain TypeScript/),
    ]);
    expect(await restricted("import { jitteredBackoffMs } from '@meshmart/mesh';\nexport const b = jitteredBackoffMs;\n")).toEqual([
      expect.stringMatching(/'@meshmart\/mesh' import is restricted/),
    ]);
    expect(await restricted("import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n")).toEqual([
      expect.stringMatching(/'node:fs\/promises' import is restricted/),
    ]);
    expect(await restricted("import { isRefusal } from '@meshmart/contracts';\nexport const r = isRefusal;\n")).toEqual([]);
    // The same imports outside a domain folder are the service's business.
    expect(
      await boundaryErrors(
        'apps/order-service/src/checkout/probe.ts',
        "import { DataSource } from 'typeorm';\nexport const d = DataSource;\n",
        'no-restricted-imports',
      ),
    ).toEqual([]);
  });

  it("keeps a service's code on the mesh's service surface: /tools and /testing are for tools and specs", async () => {
    const tools = "import { createMeshCa } from '@meshmart/mesh/tools';\nexport const c = createMeshCa;\n";
    expect(await boundaryErrors('apps/cart-service/src/probe.ts', tools, 'no-restricted-imports')).toEqual([
      expect.stringMatching(/'@meshmart\/mesh\/tools' import is restricted .* \/tools and \/testing are for the CLI/),
    ]);
    expect(await boundaryErrors('apps/cart-service/src/probe.int-spec.ts', tools, 'no-restricted-imports')).toEqual([]);
    expect(await boundaryErrors('tools/meshmart/src/probe.ts', tools, 'no-restricted-imports')).toEqual([]);
  });

  it('fails a file Prettier would lay out differently', async () => {
    expect(await boundaryErrors('libs/contracts/src/probe.ts', 'export const  x = { a:1 };\n', 'prettier/prettier')).toEqual([
      expect.stringMatching(/^prettier\/prettier: Replace/),
    ]);
    expect(await boundaryErrors('libs/contracts/src/probe.ts', 'export const x = { a: 1 };\n', 'prettier/prettier')).toEqual([]);
  });
});

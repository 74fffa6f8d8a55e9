import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/testing';

const root = findWorkspaceRoot(__dirname);

/** Lints one made-up source file with the workspace's real ESLint config and Nx project graph. */
async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    // Type-aware rules need the file on disk; the boundary rule needs only the path and imports.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => ruleId === '@nx/enforce-module-boundaries',
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
    const errors = await boundaryErrors('apps/cart-service/src/probe.ts', "import { AppModule } from '@meshmart/order-service';\nexport const m = AppModule;\n");
    expect(errors).toEqual(['@nx/enforce-module-boundaries: Imports of apps are forbidden']);
  });
});

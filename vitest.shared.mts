import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/** The three test kinds; each is its own Nx target (`test`, `int`, `e2e`). */
type TestMode = 'unit' | 'int' | 'e2e';

const workspaceRoot = resolve(import.meta.dirname);

const byMode: Record<TestMode, { include: string[]; timeoutMs: number; serial: boolean }> = {
  unit: { include: ['src/**/*.spec.ts'], timeoutMs: 5_000, serial: false },
  int: { include: ['src/**/*.int-spec.ts'], timeoutMs: 90_000, serial: false },
  e2e: { include: ['src/**/*.e2e-spec.ts'], timeoutMs: 300_000, serial: true },
};

function isTestMode(mode: string): mode is TestMode {
  return mode in byMode;
}

/**
 * The one Vitest configuration every project uses. SWC compiles the TypeScript so that
 * NestJS's decorator metadata exists in tests exactly as at run time. Each run also writes a
 * JSON report under tmp/test-reports, which `meshmart test` adds up into the closing summary.
 */
export function projectConfig(projectRoot: string) {
  const { name } = JSON.parse(readFileSync(join(projectRoot, 'project.json'), 'utf8')) as { name: string };
  return defineConfig(({ mode }) => {
    if (!isTestMode(mode)) throw new Error(`unknown test mode "${mode}": use unit, int or e2e`);
    const settings = byMode[mode];
    return {
      plugins: [
        swc.vite({
          tsconfigFile: false,
          jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
        }),
      ],
      test: {
        name,
        root: projectRoot,
        include: settings.include,
        testTimeout: settings.timeoutMs,
        hookTimeout: settings.timeoutMs,
        fileParallelism: !settings.serial,
        reporters: ['default', 'json'],
        outputFile: { json: join(workspaceRoot, 'tmp', 'test-reports', `${name}.${mode}.json`) },
      },
    };
  });
}

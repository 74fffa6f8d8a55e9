import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';

/** The libs every app may use; each is compiled into the app's own `node_modules/@meshmart`. */
const libs = ['contracts', 'mesh', 'messaging', 'persistence'];

/**
 * Compiles an app and the workspace libs to CommonJS with SWC (decorator metadata included,
 * as `serve` runs them) into `dist/apps/<app>`: `src/main.js` and
 * `node_modules/@meshmart/<lib>` (with the packages npm nests under the lib). With the third-party packages of `npm ci --omit=dev`
 * beside it, that folder is the whole runtime: what the Dockerfile copies.
 */
export async function buildApp(root: string, app: string): Promise<string> {
  const appDir = join(root, 'apps', app);
  if (!existsSync(join(appDir, 'src', 'main.ts'))) throw new Error(`no app "${app}": apps/${app}/src/main.ts is missing`);
  const out = join(root, 'dist', 'apps', app);
  rmSync(out, { recursive: true, force: true });
  await compileTree(join(appDir, 'src'), join(out, 'src'));
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: `@meshmart/${app}`, private: true, main: 'src/main.js' }, null, 2)}\n`);
  for (const lib of libs) {
    const target = join(out, 'node_modules', '@meshmart', lib);
    await compileTree(join(root, 'libs', lib, 'src'), join(target, 'src'));
    writeFileSync(join(target, 'package.json'), `${JSON.stringify({ name: `@meshmart/${lib}`, private: true, main: 'src/index.js' }, null, 2)}\n`);
    // Packages npm could not hoist (another version at the root) live beside the lib.
    const nested = join(root, 'libs', lib, 'node_modules');
    if (existsSync(nested)) cpSync(nested, join(target, 'node_modules'), { recursive: true, dereference: true });
  }
  return relative(root, out);
}

async function compileTree(from: string, to: string): Promise<void> {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'testing') await compileTree(source, join(to, entry.name));
      continue;
    }
    if (!entry.name.endsWith('.ts') || /\.(spec|int-spec|e2e-spec|d)\.ts$/.test(entry.name)) continue;
    const { code } = await transformFile(source, {
      sourceMaps: false,
      module: { type: 'commonjs' },
      jsc: { target: 'es2023', parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true } },
    });
    const target = join(to, entry.name.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
}

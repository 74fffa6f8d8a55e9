import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@meshmart/platform';

const root = findWorkspaceRoot(__dirname);
const IMPORT = /(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g;

/** The TypeScript files of a project's src/ that ship: no specs, no test support. */
function shippedFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === 'testing' || entry === 'node_modules' ? [] : shippedFiles(path);
    return entry.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry) && !entry.endsWith('-test-bed.ts') ? [path] : [];
  });
}

/** Which top-level folders of `src` import which: the project's own files at the top (modules, config) stand outside the graph. */
function folderGraph(src: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const folderOf = (file: string) => relative(src, file).split(sep).slice(0, -1)[0];
  for (const file of shippedFiles(src)) {
    const from = folderOf(file);
    if (from === undefined) continue;
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(join(dirname(file), specifier ?? '') + '.ts');
      if (to !== undefined && to !== from && !to.startsWith('..')) graph.set(from, (graph.get(from) ?? new Set()).add(to));
    }
  }
  return graph;
}

/** Every cycle of the graph, each once, as `a → b → a`. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found = new Set<string>();
  const walk = (start: string, node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      if (next === start) {
        const cycle = [...path];
        const first = cycle.indexOf([...cycle].sort()[0] ?? start);
        const rotated = [...cycle.slice(first), ...cycle.slice(0, first)];
        found.add([...rotated, rotated[0]].join(' → '));
      } else if (!path.includes(next)) walk(start, next, [...path, next]);
    }
  };
  for (const start of graph.keys()) walk(start, start, [start]);
  return [...found].sort();
}

const projects = ['apps', 'libs', 'tools']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))
  .filter((project) => statSync(join(root, project, 'src'), { throwIfNoEntry: false })?.isDirectory());

describe('folders of a project import one way (no cycles between them)', () => {
  it.each(projects)('%s', (project) => {
    expect(cycles(folderGraph(join(root, project, 'src')))).toEqual([]);
  });

  it('finds a cycle when there is one', () => {
    expect(
      cycles(
        new Map([
          ['orders', new Set(['checkout'])],
          ['checkout', new Set(['orders', 'metrics'])],
          ['metrics', new Set<string>()],
        ]),
      ),
    ).toEqual(['checkout → orders → checkout']);
  });
});

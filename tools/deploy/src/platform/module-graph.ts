import type { DynamicModule, Type } from '@nestjs/common';

/** The modules and controllers a Nest root module brings in, read from their metadata. */
export interface ModuleGraph {
  modules: Set<object>;
  controllers: Set<Type<unknown>>;
}

/** Walks `@Module({ imports, controllers })` and dynamic modules, without instantiating anything. */
export function readModuleGraph(root: object): ModuleGraph {
  const graph: ModuleGraph = { modules: new Set(), controllers: new Set() };
  const visit = (entry: unknown): void => {
    if (!entry || (typeof entry !== 'object' && typeof entry !== 'function')) return;
    const dynamic = entry as Partial<DynamicModule>;
    const moduleClass = typeof entry === 'function' ? entry : dynamic.module;
    if (!moduleClass || graph.modules.has(entry)) return;
    graph.modules.add(entry);
    graph.modules.add(moduleClass);
    const metadata = (key: string) => (Reflect.getMetadata(key, moduleClass) as unknown[] | undefined) ?? [];
    for (const controller of [...metadata('controllers'), ...(dynamic.controllers ?? [])]) graph.controllers.add(controller as Type<unknown>);
    for (const imported of [...metadata('imports'), ...(dynamic.imports ?? [])]) visit(imported);
  };
  visit(root);
  return graph;
}

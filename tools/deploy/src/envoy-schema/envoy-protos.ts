import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Root, Type } from 'protobufjs';

/** Files protobufjs bundles itself (the well-known types); everything else is read from disk. */
const BUNDLED = new Set(['any', 'duration', 'empty', 'field_mask', 'struct', 'timestamp', 'wrappers'].map((name) => `google/protobuf/${name}.proto`));

/** Envoy accepts these in place of any typed_config; no Envoy proto imports them. */
const TYPED_STRUCTS = ['udpa/type/v1/typed_struct.proto', 'xds/type/v3/typed_struct.proto'];

/**
 * Where Envoy's API lives on this machine: `@grpc/grpc-js-xds` ships Envoy's `envoy/…`
 * protos with their imports (`udpa`/`xds`, googleapis, protoc-gen-validate's `validate/…`);
 * protobufjs ships `google/protobuf/descriptor.proto`, which the option protos extend.
 */
function includeDirs(): string[] {
  const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
  return [...['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'].map((dir) => join(deps, dir)), dirname(require.resolve('protobufjs/package.json'))];
}

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.proto'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * Every v3 proto of Envoy's API whose imports the package ships: the package carries the
 * files gRPC needs and their neighbours, and a few (OpenCensus and OpenTelemetry tracing,
 * metrics services) import protos it leaves out. Those few stay unloaded, so a config naming
 * their types fails as an unknown type rather than passing unchecked.
 */
function loadableV3Files(dirs: readonly string[]): string[] {
  const [envoyApi] = dirs;
  if (!envoyApi) throw new Error('no include directories');
  const locate = (file: string) => dirs.map((dir) => join(dir, file)).find((path) => existsSync(path));
  const loadable = new Map<string, boolean>();
  const isLoadable = (file: string): boolean => {
    if (BUNDLED.has(file)) return true;
    const known = loadable.get(file);
    if (known !== undefined) return known;
    loadable.set(file, true); // an import cycle resolves as loadable; protobufjs handles cycles
    const path = locate(file);
    const ok =
      path !== undefined &&
      [...readFileSync(path, 'utf8').matchAll(/^import\s+(?:public\s+|weak\s+)?"([^"]+)";/gm)].every((match) => isLoadable(match[1] ?? ''));
    loadable.set(file, ok);
    return ok;
  };
  const envoyV3 = protoFiles(join(envoyApi, 'envoy'))
    .map((path) => relative(envoyApi, path))
    .filter((file) => /\/v3\//.test(file));
  return [...envoyV3, ...TYPED_STRUCTS].filter(isLoadable);
}

let loaded: Root | undefined;

/** Envoy's v3 API as one protobufjs Root (field names as in the protos), loaded once. */
export function envoyApi(): Root {
  if (loaded) return loaded;
  const dirs = includeDirs();
  const root = new Root();
  root.resolvePath = (_origin, target) => dirs.map((dir) => join(dir, target)).find((path) => existsSync(path)) ?? target;
  root.loadSync(loadableV3Files(dirs), { keepCase: true });
  root.resolveAll();
  loaded = root;
  return root;
}

/** The message a type URL or full name names (`type.googleapis.com/envoy.….Router`), if Envoy's API has it. */
export function messageType(typeUrlOrName: string): Type | undefined {
  const name = typeUrlOrName.slice(typeUrlOrName.lastIndexOf('/') + 1);
  if (name === '') return undefined;
  try {
    const found = envoyApi().lookup(`.${name}`);
    return found instanceof Type ? found : undefined;
  } catch {
    return undefined;
  }
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ComposeService {
  image?: string;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
  network_mode?: string;
  extra_hosts?: string[] | Record<string, string>;
  depends_on?: Record<string, { condition?: string }> | string[];
  [key: string]: unknown;
}

export interface ComposeFile {
  raw: unknown;
  services: Record<string, ComposeService>;
}

/** Reads docker-compose.yml as `docker compose` does: YAML merge keys, then `${VAR:-default}` interpolation with an empty environment. */
export function readComposeFile(root: string): ComposeFile {
  const raw = interpolate(parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as unknown);
  const services = ((raw as { services?: Record<string, ComposeService> }).services ?? {}) as Record<string, ComposeService>;
  return { raw, services };
}

function interpolate(node: unknown): unknown {
  if (typeof node === 'string') {
    return node.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g,
      (match, _name: string | undefined, operator: string | undefined, fallback: string | undefined) => {
        if (match === '$$') return '$';
        if (operator?.endsWith('-')) return fallback ?? '';
        if (operator?.endsWith('?')) throw new Error(`docker-compose.yml needs ${String(_name)} set: ${fallback ?? ''}`);
        return '';
      },
    );
  }
  if (Array.isArray(node)) return node.map(interpolate);
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value)]));
  return node;
}

/** A service's environment as a map (list or map syntax). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (!env) return {};
  if (Array.isArray(env))
    return Object.fromEntries(env.map((entry) => [entry.split('=')[0] ?? entry, entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : '']));
  return Object.fromEntries(Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]));
}

/** Bind mounts of a service as [source relative to the compose file, target]. */
export function bindMounts(service: ComposeService): [string, string][] {
  return (service.volumes ?? []).flatMap((volume): [string, string][] => {
    if (typeof volume === 'string') {
      const [source, target] = volume.split(':');
      return source && target && (source.startsWith('.') || source.startsWith('/')) ? [[source, target]] : [];
    }
    return volume.type === 'bind' && volume.source && volume.target ? [[volume.source, volume.target]] : [];
  });
}

/** The DNS names a service answers to on the compose network: its name and its aliases. */
export function dnsNamesOf(name: string, service: ComposeService): string[] {
  const networks = service.networks && !Array.isArray(service.networks) ? Object.values(service.networks) : [];
  return [name, ...networks.flatMap((network) => network?.aliases ?? [])];
}

import { randomUUID } from 'node:crypto';
import { useStack } from '@meshmart/testing';
import { Etcd3 } from 'etcd3';
import { afterEach, beforeAll } from 'vitest';
import { EtcdRegistry, type EtcdRegistryOptions } from '../etcd-registry';

/** What the etcd integration tests share: the stack's etcd, per-test prefixes, ordered clean-up. */
export interface EtcdTestContext {
  endpoints(): string[];
  /** Runs after the current test, newest first (a registry closes before the client that deletes its keys). */
  onCleanup(cleanup: () => Promise<void>): void;
  /** Each test writes under its own prefix, so tests never see each other's keys. */
  uniquePrefix(): string;
  registryAt(prefix: string, options?: Partial<EtcdRegistryOptions>): EtcdRegistry;
  rawClient(): Etcd3;
}

/** Registers the hooks in the calling test file; `area` names the key prefix (`meshmart-test/<area>/…`). */
export function etcdTestContext(area: string): EtcdTestContext {
  let endpoints: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    endpoints = (await useStack()).etcd.endpoints;
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  const context: EtcdTestContext = {
    endpoints: () => endpoints,
    onCleanup: (cleanup) => void cleanups.push(cleanup),
    uniquePrefix: () => `meshmart-test/${area}/${randomUUID()}/`,
    registryAt(prefix, options = {}) {
      const registry = new EtcdRegistry({ endpoints, prefix, ...options });
      context.onCleanup(() => registry.close());
      return registry;
    },
    rawClient() {
      const client = new Etcd3({ hosts: endpoints });
      context.onCleanup(() => Promise.resolve(client.close()));
      return client;
    },
  };
  return context;
}

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import serviceGenerator from './service-generator';

const root = resolve(__dirname, '../../../../..');

/** An empty workspace holding the repository's real descriptors and contracts. */
function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const app of readdirSync(join(root, 'apps')))
    tree.write(`apps/${app}/src/workload.ts`, readFileSync(join(root, 'apps', app, 'src', 'workload.ts'), 'utf8'));
  for (const file of ['events.ts', 'index.ts']) tree.write(`libs/contracts/src/${file}`, readFileSync(join(root, 'libs', 'contracts', 'src', file), 'utf8'));
  return tree;
}

describe('nx g @meshmart/workspace:service', () => {
  let tree: Tree;

  // Prettier reads its settings from disk, which a virtual tree has not: the templates are
  // checked as written here, and formatted for real in the e2e spec, whose lint includes Prettier.
  beforeAll(() => vi.stubEnv('NX_SKIP_FORMAT', 'true'));
  afterAll(() => vi.unstubAllEnvs());

  beforeEach(() => {
    tree = workspaceTree();
  });

  it('writes a stateless service with its descriptor, feature, problems, specs, README and contracts', async () => {
    const seeded = new Set(tree.listChanges().map((change) => change.path));
    await serviceGenerator(tree, { name: 'review-service', upstreams: 'inventory-service', callers: 'gateway,order-service' });
    const files = tree
      .listChanges()
      .map((change) => change.path)
      .filter((path) => !seeded.has(path));
    expect(files.sort()).toEqual([
      'apps/review-service/README.md',
      'apps/review-service/package.json',
      'apps/review-service/project.json',
      'apps/review-service/src/app.module.ts',
      'apps/review-service/src/items/domain/review-refusal.ts',
      'apps/review-service/src/items/items.http.controller.ts',
      'apps/review-service/src/items/items.module.ts',
      'apps/review-service/src/items/items.service.ts',
      'apps/review-service/src/main.ts',
      'apps/review-service/src/mesh.ts',
      'apps/review-service/src/review-problems.spec.ts',
      'apps/review-service/src/review-problems.ts',
      'apps/review-service/src/review.http.int-spec.ts',
      'apps/review-service/src/workload.ts',
      'apps/review-service/tsconfig.json',
      'apps/review-service/vitest.config.mts',
      'libs/contracts/src/review.ts',
    ]);
    const descriptor = tree.read('apps/review-service/src/workload.ts', 'utf-8');
    expect(descriptor).toContain("name: 'review-service',\n  port: 8085,\n  upstreams: ['inventory-service'],\n});");
    expect(tree.read('apps/review-service/src/items/items.http.controller.ts', 'utf-8')).toContain(
      "const itemReaders = ['gateway', 'order-service'] as const;",
    );
    expect(JSON.parse(tree.read('apps/review-service/project.json', 'utf-8') ?? '{}')).toMatchObject({
      name: 'review-service',
      tags: ['scope:review', 'type:app'],
    });
    expect(tree.read('libs/contracts/src/index.ts', 'utf-8')).toContain("export type { ReviewItem, UpsertReviewItem } from './review';");
  });

  it('adds the database, its entity, migration and migrate target with --database', async () => {
    await serviceGenerator(tree, { name: 'gift-card-service', database: true, consumes: 'orders.v1' });
    const migration = tree.children('apps/gift-card-service/src/migrations');
    expect(migration).toEqual([expect.stringMatching(/^\d{13}-create-gift-card\.ts$/)]);
    const timestamp = migration[0]?.slice(0, 13);
    expect(tree.read('apps/gift-card-service/src/data.ts', 'utf-8')).toContain(`migrations = [CreateGiftCard${timestamp}]`);
    expect(tree.exists('apps/gift-card-service/src/items/item.entity.ts')).toBe(true);
    expect(tree.read('apps/gift-card-service/src/workload.ts', 'utf-8')).toContain("database: 'meshmart_gift_card',\n  topics: { consumes: ['orders.v1'] },");
    expect(JSON.parse(tree.read('apps/gift-card-service/project.json', 'utf-8') ?? '{}').targets.migrate.options.command).toBe(
      'node -r @swc-node/register apps/gift-card-service/src/migrate.ts',
    );
    expect(tree.read('apps/gift-card-service/src/app.module.ts', 'utf-8')).toContain(
      'PersistenceModule.forRoot({ service: mesh.service, entities, migrations })',
    );
    // --consumes orders.v1: one controller with a decorated method per event type of the topic, connected at start.
    const consumer = tree.read('apps/gift-card-service/src/items/orders.kafka.controller.ts', 'utf-8') ?? '';
    expect(consumer.match(/@EventPattern\('(\w+)', \{ group: 'gift-card-service\.orders' \}\)/g)).toEqual([
      "@EventPattern('OrderPlaced', { group: 'gift-card-service.orders' })",
      "@EventPattern('OrderConfirmed', { group: 'gift-card-service.orders' })",
      "@EventPattern('OrderFailed', { group: 'gift-card-service.orders' })",
    ]);
    expect(tree.read('apps/gift-card-service/src/items/items.module.ts', 'utf-8')).toContain('controllers: [ItemsHttpController, OrdersKafkaController]');
    expect(tree.read('apps/gift-card-service/src/main.ts', 'utf-8')).toContain('configure: consumeEvents');
  });

  it('writes nothing when an option is wrong', async () => {
    const before = tree.listChanges().map((change) => `${change.path}:${change.content?.toString() ?? ''}`);
    await expect(serviceGenerator(tree, { name: 'cart-service' })).rejects.toThrow(/apps\/cart-service already exists/);
    expect(tree.listChanges().map((change) => `${change.path}:${change.content?.toString() ?? ''}`)).toEqual(before);
  });
});

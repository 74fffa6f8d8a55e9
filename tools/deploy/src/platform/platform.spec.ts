import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineWorkload } from '@meshmart/contracts';
import { describe, expect, it } from 'vitest';
import { AppSources } from './app-sources';
import { persistenceProblem } from './platform';

/** A workspace holding only `apps/<name>/src/workload.ts` files with the given text (none for `undefined`). */
function workspaceWith(apps: Record<string, string | undefined>): string {
  const root = mkdtempSync(join(tmpdir(), 'meshmart-descriptors-'));
  for (const [app, text] of Object.entries(apps)) {
    mkdirSync(join(root, 'apps', app, 'src'), { recursive: true });
    if (text !== undefined) writeFileSync(join(root, 'apps', app, 'src', 'workload.ts'), text);
  }
  return root;
}
const descriptor = (spec: string) => `import { defineWorkload } from '@meshmart/contracts';\nexport const workload = defineWorkload(${spec});\n`;

describe("the apps' workload descriptors", () => {
  it("are found by listing apps/, in the folders' order", async () => {
    const root = workspaceWith({
      'b-service': descriptor("{ name: 'b-service', port: 9002 }"),
      'a-service': descriptor("{ name: 'a-service', port: 9001, upstreams: ['b-service'] }"),
    });
    expect((await new AppSources(root).workloadDescriptors()).map((workload) => workload.name)).toEqual(['a-service', 'b-service']);
  });

  it('refuse an app without one, a name that is not its folder, and a set that does not agree', async () => {
    await expect(new AppSources(workspaceWith({ 'a-service': undefined })).workloadDescriptors()).rejects.toThrow(
      'apps/a-service/src/workload.ts is missing: every app describes its workload there',
    );
    await expect(new AppSources(workspaceWith({ 'a-service': descriptor("{ name: 'b-service', port: 9001 }") })).workloadDescriptors()).rejects.toThrow(
      'workload b-service: name: "b-service" is not its app\'s folder, apps/a-service',
    );
    const clash = workspaceWith({
      'a-service': descriptor("{ name: 'a-service', port: 9001, upstreams: ['c-service'] }"),
      'b-service': descriptor("{ name: 'b-service', port: 9001 }"),
    });
    await expect(new AppSources(clash).workloadDescriptors()).rejects.toThrow(
      'apps/*/src/workload.ts: a-service: calls "c-service", which no apps/*/src/workload.ts describes; b-service: port 9001 is a-service\'s too',
    );
  });

  it("hold the database the app's PersistenceModule opens, and only when it imports one", () => {
    expect(persistenceProblem(defineWorkload({ name: 'review-service', port: 9001, database: 'meshmart_review' }), true)).toBeUndefined();
    expect(persistenceProblem(defineWorkload({ name: 'review-service', port: 9001 }), true)).toBe(
      'its AppModule imports PersistenceModule, so the descriptor names its database (meshmart_review)',
    );
    expect(persistenceProblem(defineWorkload({ name: 'review-service', port: 9001, database: 'meshmart_reviews' }), true)).toBe(
      'database meshmart_reviews, but PersistenceModule opens meshmart_review',
    );
    expect(persistenceProblem(defineWorkload({ name: 'review-service', port: 9001, database: 'meshmart_review' }), false)).toBe(
      'database meshmart_review, but its AppModule imports no PersistenceModule',
    );
  });
});

import { defineWorkload } from '@meshmart/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatedFiles, staleGeneratedFiles } from './generate';
import { deploymentOf, loadPlatform, type PlatformModel } from './platform/platform';
import { workspaceRoot } from './traffic/repo-policies.fixture';

let platform: PlatformModel;
beforeAll(async () => {
  platform = await loadPlatform(workspaceRoot);
}, 60_000);

/** The workspace's platform with one descriptor replaced: what the generator would see after that edit. */
function withDescriptor(name: string, change: object): PlatformModel {
  const descriptors = platform.descriptors.map((descriptor) => (descriptor.name === name ? defineWorkload({ ...descriptor, ...change }) : descriptor));
  return { ...platform, descriptors, workloads: descriptors.map(deploymentOf) };
}

describe('files generated from the workload descriptors', () => {
  it('are up to date in the workspace as committed', async () => {
    expect(staleGeneratedFiles(workspaceRoot, await generatedFiles(workspaceRoot, platform))).toEqual([]);
  });

  it('go stale, each file named, when a descriptor changes its replicas', async () => {
    const problems = staleGeneratedFiles(workspaceRoot, await generatedFiles(workspaceRoot, withDescriptor('inventory-service', { replicas: 3 })));
    const stale = (file: string) => `${file} differs from what its sources generate: run \`npm run deploy:generate\``;
    expect(problems).toEqual(
      expect.arrayContaining([
        stale('libs/contracts/src/workload-registry.ts'),
        stale('docker-compose.yml'),
        stale('k8s/base/workloads/inventory-service.yaml'),
      ]),
    );
    // Only what the replicas reach: the sidecars' Envoy configs do not count instances.
    expect(problems).not.toContainEqual(expect.stringContaining('infra/envoy/'));
  });

  it('go stale when a descriptor changes its port, down to the Envoy sidecar that sends to it', async () => {
    const files = await generatedFiles(workspaceRoot, withDescriptor('cart-service', { port: 8091 }));
    expect(staleGeneratedFiles(workspaceRoot, files)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^infra\/envoy\/cart-service\.yaml differs/), expect.stringMatching(/^docker-compose\.yml differs/)]),
    );
    expect(files.find((file) => file.path === 'docker-compose.yml')?.content).toContain('PORT: "8091"');
  });
});

import type { Workload } from '@meshmart/contracts';
import type { AppProcess, Platform } from '@meshmart/platform';

/**
 * What `npm run demo -- --canary` runs: every instance at the stable version and one more
 * payment-service instance at the candidate version. The versions are the ones the subsets of
 * infra/traffic/payment-service.yaml select (`v1`, `v2`), so applying that file splits traffic
 * between them; the stable one is set explicitly, not left to the mesh's default, because the
 * policy names it.
 */
export const demoCanary = { workload: 'payment-service' satisfies Workload, stableVersion: '0.1.0', canaryVersion: '0.2.0' } as const;

/** The environment every demo instance gets with `--canary`: it registers as the stable version. */
export const stableVersionEnv: Readonly<Record<string, string>> = { MESH_VERSION: demoCanary.stableVersion };

/**
 * Starts the canary: one more payment-service instance, in its own slot, registering with the
 * candidate version. Its restarts keep that version (the slot keeps its environment).
 */
export async function startDemoCanary(platform: Pick<Platform, 'startInstance' | 'slotOf'>, log: (line: string) => void): Promise<AppProcess> {
  const canary = await platform.startInstance(demoCanary.workload, 'ready', { MESH_VERSION: demoCanary.canaryVersion });
  log(
    `canary ${platform.slotOf(canary)}: ${canary.url} as ${canary.instanceId}, version ${demoCanary.canaryVersion} beside ${demoCanary.stableVersion} (the README's "Canary walk-through" splits traffic between them)`,
  );
  return canary;
}

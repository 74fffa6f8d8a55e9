import { type ServiceView } from '../registry';
import { type ServiceInstance } from '../service-instance';

/**
 * Resolves with the view's instances as soon as `condition` holds (now or at a later change),
 * and rejects after `timeoutMs` with what the view held, so a test waits only as long as the
 * behaviour it checks is allowed to take.
 */
export function waitForInstances(
  view: ServiceView,
  condition: (instances: readonly ServiceInstance[]) => boolean,
  timeoutMs: number,
  description: string,
): Promise<readonly ServiceInstance[]> {
  if (condition(view.instances())) return Promise.resolve(view.instances());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      const ids = view.instances().map((instance) => instance.id);
      reject(new Error(`${view.service}: not ${description} within ${timeoutMs} ms; instances: [${ids.join(', ')}]`));
    }, timeoutMs);
    const unsubscribe = view.onChange((instances) => {
      if (!condition(instances)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(instances);
    });
  });
}

/** `condition` for waitForInstances: the view lists an instance with this id. */
export function listsInstance(id: string): (instances: readonly ServiceInstance[]) => boolean {
  return (instances) => instances.some((instance) => instance.id === id);
}

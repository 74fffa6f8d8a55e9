import { Etcd3 } from 'etcd3';
import { type RegisteredInstance, registeredInstancesOf } from '../registry/registered-instances';
import { etcdUnavailable } from './console-problems';

/** Reads a namespace's instances from the etcd registry; an unreachable etcd is a 503 problem naming it. */
export class RegistryReader {
  private readonly client: Etcd3;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly timeoutMs = 3_000,
  ) {
    this.client = new Etcd3({ hosts: [...endpoints], dialTimeout: timeoutMs });
  }

  async instances(namespace: string): Promise<RegisteredInstance[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const entries = await Promise.race([this.client.getAll().prefix(`meshmart/${namespace}/services/`).strings(), timeout]);
      return registeredInstancesOf(entries);
    } catch (error) {
      throw etcdUnavailable(this.endpoints, error instanceof Error ? error.message : String(error));
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.client.close();
  }
}

import { Etcd3 } from 'etcd3';
import { injectedFaultSchema, type InjectedFault } from './fault-overlay';
import { trafficKeys } from './traffic-keys';
import { faultSchema, InvalidTrafficPolicy, parseTrafficPolicy, type TrafficPolicy } from './traffic-policy';

export interface TrafficPolicyStoreOptions {
  /** etcd client URLs, as the registry's. */
  endpoints: readonly string[];
  /** The mesh namespace (`MESH_NAMESPACE`); policies of one namespace never see another's. */
  namespace: string;
  /** Deadline of each etcd call. Default 5 000 ms. */
  callTimeoutMs?: number;
}

/** A policy as etcd holds it: `version` is the key's mod revision, which changes with every apply. */
export interface StoredTrafficPolicy {
  service: string;
  version: string;
  policy: TrafficPolicy;
  /** The document as it was applied (durations as written), for `get` and for re-reading. */
  document: unknown;
}

export interface StoredFault extends InjectedFault {
  service: string;
  version: string;
}

/**
 * The traffic policies of one namespace in etcd: `apply` validates before it writes (an invalid
 * document throws InvalidTrafficPolicy and nothing is written), each policy carries its etcd mod
 * revision as its version, and `injectFault` writes a fault under a lease so it expires by itself.
 * Runtimes follow the same keys with {@link TrafficPolicyWatch}.
 *
 * @example
 * const store = new TrafficPolicyStore({ endpoints: ['http://127.0.0.1:2379'], namespace: 'meshmart' });
 * const { version } = await store.apply(YAML.parse(readFileSync('infra/traffic/payment-service.yaml', 'utf8')));
 */
export class TrafficPolicyStore {
  readonly namespace: string;
  private readonly client: Etcd3;

  constructor(options: TrafficPolicyStoreOptions) {
    const { endpoints, namespace, callTimeoutMs = 5_000 } = options;
    if (endpoints.length === 0) throw new RangeError('TrafficPolicyStore needs at least one etcd endpoint');
    this.namespace = namespace;
    this.client = new Etcd3({ hosts: [...endpoints], defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + callTimeoutMs }) });
  }

  /** The etcd client, for a watch over the same connection. */
  get etcd(): Etcd3 {
    return this.client;
  }

  /** Validates and writes a policy for `spec.host`; returns it with its new version. */
  async apply(document: unknown): Promise<StoredTrafficPolicy> {
    const policy = parseTrafficPolicy(document);
    const namespace = policy.metadata.namespace;
    if (namespace !== undefined && namespace !== this.namespace) {
      throw new InvalidTrafficPolicy([`metadata.namespace: the policy is for namespace "${namespace}", the mesh's is "${this.namespace}"`]);
    }
    const service = policy.spec.host;
    const response = await this.client.put(trafficKeys.policy(this.namespace, service)).value(JSON.stringify(document)).exec();
    return { service, version: response.header.revision, policy, document };
  }

  async get(service: string): Promise<StoredTrafficPolicy | undefined> {
    const response = await this.client.get(trafficKeys.policy(this.namespace, service)).exec();
    const kv = response.kvs[0];
    return kv ? storedPolicy(service, kv.value.toString(), kv.mod_revision) : undefined;
  }

  /** Every valid policy of the namespace, by service name. */
  async list(): Promise<StoredTrafficPolicy[]> {
    const prefix = trafficKeys.policyPrefix(this.namespace);
    const response = await this.client.getAll().prefix(prefix).exec();
    return response.kvs
      .flatMap((kv) => {
        const stored = storedPolicy(kv.key.toString().slice(prefix.length), kv.value.toString(), kv.mod_revision);
        return stored ? [stored] : [];
      })
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Removes a service's policy (its callers go back to plain balancing); false when there was none. */
  async delete(service: string): Promise<boolean> {
    const response = await this.client.delete().key(trafficKeys.policy(this.namespace, service)).exec();
    return Number(response.deleted) > 0;
  }

  /**
   * Injects `fault` (a route's `fault` as written, durations as text) on every route of `service` for `forSeconds`: written under a lease of that
   * TTL that nobody keeps alive, so etcd removes it then, whatever happens to this process.
   */
  async injectFault(service: string, fault: unknown, forSeconds: number): Promise<StoredFault> {
    if (!Number.isInteger(forSeconds) || forSeconds < 1) throw new RangeError(`a fault lasts a whole number of seconds ≥ 1, not ${forSeconds}`);
    const checked = faultSchema.safeParse(fault);
    if (!checked.success)
      throw new InvalidTrafficPolicy(checked.error.issues.map((issue) => `fault${issue.path.map((part) => `.${String(part)}`).join('')}: ${issue.message}`));
    const document = { fault, expiresAt: new Date(Date.now() + forSeconds * 1000).toISOString() };
    const lease = this.client.lease(forSeconds, { autoKeepAlive: false });
    const response = await lease.put(trafficKeys.fault(this.namespace, service)).value(JSON.stringify(document)).exec();
    lease.release();
    return { service, version: response.header.revision, fault: checked.data, expiresAt: document.expiresAt };
  }

  async getFault(service: string): Promise<StoredFault | undefined> {
    const response = await this.client.get(trafficKeys.fault(this.namespace, service)).exec();
    const kv = response.kvs[0];
    return kv ? storedFault(service, kv.value.toString(), kv.mod_revision) : undefined;
  }

  /** Every injected fault of the namespace still in force, by service name. */
  async listFaults(): Promise<StoredFault[]> {
    const prefix = trafficKeys.faultPrefix(this.namespace);
    const response = await this.client.getAll().prefix(prefix).exec();
    return response.kvs
      .flatMap((kv) => {
        const stored = storedFault(kv.key.toString().slice(prefix.length), kv.value.toString(), kv.mod_revision);
        return stored ? [stored] : [];
      })
      .sort((a, b) => a.service.localeCompare(b.service));
  }

  /** Ends an injected fault before its time; false when there was none. */
  async clearFault(service: string): Promise<boolean> {
    const response = await this.client.delete().key(trafficKeys.fault(this.namespace, service)).exec();
    return Number(response.deleted) > 0;
  }

  close(): void {
    this.client.close();
  }
}

/** A stored policy read back; undefined when the value no longer validates (written by hand, or an older schema). */
export function storedPolicy(service: string, value: string, version: string): StoredTrafficPolicy | undefined {
  try {
    const document: unknown = JSON.parse(value);
    return { service, version, policy: parseTrafficPolicy(document), document };
  } catch {
    return undefined;
  }
}

export function storedFault(service: string, value: string, version: string): StoredFault | undefined {
  try {
    const parsed = injectedFaultSchema.safeParse(JSON.parse(value));
    return parsed.success ? { service, version, ...parsed.data } : undefined;
  } catch {
    return undefined;
  }
}

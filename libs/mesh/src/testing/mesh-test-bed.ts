import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppProcess, startService } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { createMeshCa, issueWorkloadCertificate } from '../identity/certificate-authority';
import { workloadFiles, writeMeshCa, writeWorkloadCertificate } from '../identity/certificate-files';
import { mtlsAgent } from '../identity/mtls-agent';
import { spiffeId } from '../identity/spiffe';
import { WorkloadIdentity } from '../identity/workload-identity';
import { loadMeshConfig } from '../config/mesh-config';
import { MeshRuntime, type MeshRuntimeOptions } from '../runtime/mesh-runtime';

/** The echo-service entry point, run as its own process by the test beds. */
export const ECHO_SCRIPT = join(__dirname, 'echo-service.ts');

/**
 * Real processes behind the real mesh for integration tests: a mesh CA and certificates in a
 * temp folder, echo-service instances registered in the stack's etcd under a prefix of their
 * own (so parallel tests never see each other), and client runtimes in the test process.
 */
export class MeshTestBed {
  readonly certDir = mkdtempSync(join(tmpdir(), 'meshmart-bed-'));
  private readonly instances: AppProcess[] = [];
  private readonly runtimes: MeshRuntime[] = [];
  /** A namespace of its own keeps each bed's registry keys and identities apart. */
  readonly namespace = `t${randomUUID().slice(0, 8)}`;
  private etcdEndpoints: string[] = [];

  static async create(workloads: readonly string[] = ['echo-service', 'mesh-test-client', 'intruder']): Promise<MeshTestBed> {
    const bed = new MeshTestBed();
    bed.etcdEndpoints = (await useStack()).etcd.endpoints;
    const ca = await createMeshCa();
    await writeMeshCa(bed.certDir, ca);
    for (const service of workloads) {
      await writeWorkloadCertificate(bed.certDir, service, await issueWorkloadCertificate(ca, { namespace: bed.namespace, service }));
    }
    return bed;
  }

  /** The environment every process of this bed runs with. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ETCD_ENDPOINTS: this.etcdEndpoints.join(','),
      MESH_CERT_DIR: this.certDir,
      MESH_NAMESPACE: this.namespace,
      MESH_LEASE_TTL_SECONDS: '2',
      MESH_DRAIN_MS: '50',
      PORT: '0',
      ...extra,
    };
  }

  /** Starts one echo-service instance; `id` names it in the registry. */
  async startEcho(id: string, extra: Record<string, string> = {}): Promise<AppProcess> {
    const instance = await startService('echo-service', ECHO_SCRIPT, this.env({ MESH_INSTANCE_ID: id, ...extra }));
    this.instances.push(instance);
    return instance;
  }

  /** A runtime in this process, as workload `service`, calling `echo-service`. */
  async client(
    service = 'mesh-test-client',
    extra: Record<string, string> = {},
    options: Pick<MeshRuntimeOptions, 'trafficRandom'> = {},
  ): Promise<MeshRuntime> {
    const config = loadMeshConfig({ ...this.env(extra), HOST: '127.0.0.1' });
    const runtime = await MeshRuntime.start({ service, upstreams: ['echo-service'], config, ...options });
    this.runtimes.push(runtime);
    return runtime;
  }

  /**
   * A bare mTLS GET to one instance by its URL, as workload `as`, checking that `service`
   * answers: no discovery and no balancing, for asserting on one particular process.
   */
  async get(
    url: string,
    { as = 'mesh-test-client', service = 'echo-service', rawPath, method = 'GET' }: { as?: string; service?: string; rawPath?: string; method?: string } = {},
  ): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    const identity = await WorkloadIdentity.load(workloadFiles(this.certDir, as));
    const agent = mtlsAgent(identity, { expectedSpiffeId: spiffeId({ namespace: this.namespace, serviceAccount: service }), keepAlive: false });
    // A URL string is parsed as WHATWG does, which resolves `..` and `%2E%2E` before sending;
    // `rawPath` goes on the wire exactly as written, as an attacker would send it.
    const { hostname, port, pathname, search } = new URL(url);
    try {
      return await new Promise((resolve, reject) => {
        request({ hostname, port, method, path: rawPath ?? `${pathname}${search}`, agent }, (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        })
          .on('error', reject)
          .end();
      });
    } finally {
      identity.close();
    }
  }

  /** The etcd endpoints this bed's processes use (e.g. for a TrafficPolicyStore of its namespace). */
  get etcd(): readonly string[] {
    return this.etcdEndpoints;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.runtimes.map((runtime) => runtime.close()));
    await Promise.allSettled(this.instances.map((instance) => instance.stop('SIGKILL')));
    rmSync(this.certDir, { recursive: true, force: true });
  }
}

import { randomUUID } from 'node:crypto';
import { type AppProcess, startService } from '@meshmart/platform';
import { loadMeshConfig } from '../config/mesh-config';
import { MeshRuntime } from '../runtime/mesh-runtime';
import { ECHO_SCRIPT } from './mesh-test-bed';

/**
 * Real processes in sidecar mode for integration tests: echo-service instances on plain HTTP
 * and client runtimes in the test process. No etcd and no certificates, as under a real
 * sidecar; the client's `MESH_SIDECAR_URL` points straight at an echo, standing in for the
 * sidecar's outbound listener.
 */
export class SidecarTestBed {
  private readonly instances: AppProcess[] = [];
  private readonly runtimes: MeshRuntime[] = [];
  readonly namespace = `s${randomUUID().slice(0, 8)}`;

  /** Sidecar mode, with etcd and certificates explicitly unset (empty values count as unset). */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { MESH_MODE: 'sidecar', MESH_NAMESPACE: this.namespace, ETCD_ENDPOINTS: '', MESH_CERT_DIR: '', MESH_DRAIN_MS: '50', PORT: '0', ...extra };
  }

  /** Starts one echo-service instance; `id` names it in its metrics and answers. */
  async startEcho(id: string, extra: Record<string, string> = {}): Promise<AppProcess> {
    const instance = await startService('echo-service', ECHO_SCRIPT, this.env({ MESH_INSTANCE_ID: id, ...extra }));
    this.instances.push(instance);
    return instance;
  }

  /** A runtime in this process, as workload `service`, whose calls to `echo-service` go to `sidecarUrl`. */
  async client(sidecarUrl: string, service = 'mesh-test-client', extra: Record<string, string> = {}): Promise<MeshRuntime> {
    const config = loadMeshConfig({ ...this.env(extra), HOST: '127.0.0.1', MESH_SIDECAR_URL: sidecarUrl });
    const runtime = await MeshRuntime.start({ service, upstreams: ['echo-service'], config });
    this.runtimes.push(runtime);
    return runtime;
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.runtimes.map((runtime) => runtime.close()));
    await Promise.allSettled(this.instances.map((instance) => instance.stop('SIGKILL')));
  }
}

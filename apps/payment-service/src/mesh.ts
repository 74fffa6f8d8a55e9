import type { MeshModuleOptions } from '@meshmart/mesh';
import { workload } from './workload';

/** This workload in the mesh, from its descriptor: its name (SPIFFE service account) and the services it calls. */
export const mesh: MeshModuleOptions = { service: workload.name, upstreams: workload.upstreams };

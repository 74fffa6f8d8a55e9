import type { MeshModuleOptions } from '@meshmart/mesh';
import { workload } from './workload';

/** This workload in the mesh, from its descriptor: its name (SPIFFE service account), the services it calls, and that it faces the public. */
export const mesh: MeshModuleOptions = { service: workload.name, upstreams: workload.upstreams, publicEdge: workload.edge };

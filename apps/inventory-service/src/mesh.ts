import type { MeshModuleOptions } from '@meshmart/mesh';

/** This workload in the mesh: its name (SPIFFE service account) and the services it calls. */
export const mesh: MeshModuleOptions = {
  service: 'inventory-service',
  upstreams: [],
};

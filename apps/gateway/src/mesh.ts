import type { MeshModuleOptions } from '@meshmart/mesh';

/** This workload in the mesh: its name (SPIFFE service account), the services it calls, and that it faces the public. */
export const mesh: MeshModuleOptions = {
  service: 'gateway',
  upstreams: ['cart-service', 'order-service', 'inventory-service'],
  publicEdge: true,
};

/** DI token: the workload name of the running service (e.g. `inventory-service`). */
export const SERVICE_NAME = Symbol('meshmart.service-name');

/** DI token: the process's `MeshRuntime`, provided by `runService`. */
export const MESH_RUNTIME = Symbol('meshmart.mesh-runtime');

/** DI token: `true` when this workload answers the public internet (`MeshModuleOptions.publicEdge`). */
export const PUBLIC_EDGE = Symbol('meshmart.public-edge');

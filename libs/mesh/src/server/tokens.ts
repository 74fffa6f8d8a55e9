/** DI token: the workload name of the running service (e.g. `inventory-service`). */
export const SERVICE_NAME = Symbol('meshmart.service-name');

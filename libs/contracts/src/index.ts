export { isWorkload, workloads } from './services';
export type { Workload } from './services';

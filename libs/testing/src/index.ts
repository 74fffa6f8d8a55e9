export { startApp, startService } from './app-process';
export type { AppProcess, StartedWhen } from './app-process';
export { dockerAvailable, startContainerStack, stackImages } from './containers';
export type { ContainerStack } from './containers';
export { releaseStack, StackUnavailable, useStack } from './stack';
export {
  databaseUrl,
  defaultStateDir,
  findWorkspaceRoot,
  readStackFile,
  stackEndpointsFromEnv,
  stackEndpointsToEnv,
  stackEnvNames,
  stackFilePath,
} from './stack-endpoints';
export type { StackEndpoints } from './stack-endpoints';
export { demoCatalogue } from './catalogue-seed';
export { eventually } from './eventually';
export { runDemoShopper, seedDemoCatalogue } from './demo-script';
export { MeshHttpsClient, sendJson } from './mesh-https';
export type { JsonResponse } from './mesh-https';
export { databaseOf, defaultReplicas, dropDatabases, makeCertificates, serviceEnv, startPlatform } from './platform';
export type { Platform, PlatformOptions } from './platform';
export { Shopper, shopperToken } from './shopper';
export { readIstioRequests } from './istio-requests';
export type { IstioRequestSample } from './istio-requests';

// Public API of @meshmart/platform: the local platform as the CLI's demo and the tests run it —
// where the stack is, the apps started as processes, their certificates and databases, the
// operator's mTLS client, the demo's catalogue and shopper, and the meshmart CLI run as a process.
export { databaseUrl, defaultStateDir, findWorkspaceRoot, readStackFile, stackEndpointsFromEnv, stackEndpointsToEnv, stackFilePath } from './stack-endpoints';
export type { StackEndpoints } from './stack-endpoints';
export { stackImages } from './stack-images';
export { startApp, startService } from './app-process';
export type { AppProcess, StartedWhen } from './app-process';
export { runDemoShopper, seedDemoCatalogue } from './demo-script';
export { MeshHttpsClient, sendJson } from './mesh-https';
export type { JsonResponse } from './mesh-https';
export { runMeshmart } from './meshmart-cli';
export type { MeshmartRun, MeshmartRunOptions } from './meshmart-cli';
export { databaseOf, dropDatabases, makeCertificates, serviceEnv, startPlatform } from './platform';
export type { Platform, PlatformOptions } from './platform';
export { Shopper, shopperToken } from './shopper';
export { readIstioRequests } from './istio-requests';
export type { IstioRequestSample } from './istio-requests';

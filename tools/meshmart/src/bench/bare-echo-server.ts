/**
 * The benchmark's transport floor: a bare Node HTTP server (no framework, no mesh) answering
 * the echo service's JSON, in its own process. With BARE_CERT_DIR it listens with the mesh's
 * mTLS options and the echo service's certificate, so bare HTTP against bare mTLS measures
 * what TLS alone costs a Node process on this machine, apart from anything the mesh does.
 * Prints `bare-echo listening on <url>` once it listens.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { workloadFiles, WorkloadIdentity } from '@meshmart/mesh';
import { mtlsServerOptions } from '@meshmart/mesh/tools';

function answer(request: IncomingMessage, response: ServerResponse): void {
  // The shape and size of the echo service's answer, so both servers write the same bytes.
  const body = JSON.stringify({ instance: 'bare-echo', caller: null, deadlineMs: null, traceparent: request.headers['traceparent'] ?? null });
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

async function main(): Promise<void> {
  const certDir = process.env['BARE_CERT_DIR'];
  const identity = certDir ? await WorkloadIdentity.load(workloadFiles(certDir, 'echo-service')) : undefined;
  const server = identity
    ? createHttpsServer({ ...mtlsServerOptions(identity), keepAliveTimeout: 60_000 }, answer)
    : createHttpServer({ keepAliveTimeout: 60_000 }, answer);
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    console.log(`bare-echo listening on ${identity ? 'https' : 'http'}://127.0.0.1:${port}`);
  });
  process.once('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

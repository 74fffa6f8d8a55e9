/**
 * The benchmark's framework floor: the echo answer from NestJS on Fastify over the mesh's mTLS
 * listener options, with no mesh in the request path (no hooks, no authorization, no spans, no
 * metrics). Against the meshed echo service it says what the mesh's server side costs beyond
 * the framework every service runs anyway. Prints `framework-echo listening on <url>`.
 */
import 'reflect-metadata';
import { Controller, Get, Headers, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { workloadFiles, WorkloadIdentity } from '@meshmart/mesh';
import { mtlsServerOptions } from '@meshmart/mesh/tools';

@Controller()
class FrameworkEchoController {
  @Get('echo')
  echo(@Headers('traceparent') traceparent?: string): { instance: string; caller: null; deadlineMs: null; traceparent: string | null } {
    return { instance: 'framework-echo', caller: null, deadlineMs: null, traceparent: traceparent ?? null };
  }
}

@Module({ controllers: [FrameworkEchoController] })
class FrameworkEchoModule {}

async function main(): Promise<void> {
  const certDir = process.env['BARE_CERT_DIR'];
  if (!certDir) throw new Error('BARE_CERT_DIR is required: the folder of `meshmart certs` with the echo service certificate');
  const identity = await WorkloadIdentity.load(workloadFiles(certDir, 'echo-service'));
  const app = await NestFactory.create<NestFastifyApplication>(FrameworkEchoModule, new FastifyAdapter({ https: mtlsServerOptions(identity) }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  console.log(`framework-echo listening on https://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

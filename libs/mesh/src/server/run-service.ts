import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadServiceConfig, type ServiceConfig } from '../config/service-config';

export interface RunServiceOptions {
  /** Workload name, used in logs and, later, identity and discovery. */
  service: string;
  /** The app's root module. */
  module: Type<unknown>;
  /** Default port when PORT is not set. */
  defaultPort: number;
  env?: NodeJS.ProcessEnv;
}

export interface RunningService {
  app: NestFastifyApplication;
  config: ServiceConfig;
  url: string;
}

/**
 * Boots a service on Fastify with validated configuration, a graceful stop and one
 * machine-readable start line (`<service> listening on <url>`), which the demo and the
 * end-to-end tests read to learn the port when PORT=0.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const config = loadServiceConfig(options.env ?? process.env, { PORT: String(options.defaultPort) });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, new FastifyAdapter(), { logger: ['error', 'warn'] });
  await app.listen(config.PORT, config.HOST);
  stopOnSignal(options.service, app);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  console.log(`${options.service} listening on ${url}`);
  return { app, config, url };
}

/**
 * SIGTERM/SIGINT close the app (in-flight requests finish, module destroy hooks run) and the
 * process exits 0, so orchestrators see a clean stop rather than a death by signal.
 */
function stopOnSignal(service: string, app: NestFastifyApplication): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`${service} stopping on ${signal}`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`${service} did not stop cleanly`, error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

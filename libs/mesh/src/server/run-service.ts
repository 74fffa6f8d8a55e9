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
 * Boots a service on Fastify with validated configuration, shutdown hooks and one
 * machine-readable start line (`<service> listening on <url>`), which the demo and the
 * end-to-end tests read to learn the port when PORT=0.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const config = loadServiceConfig(options.env ?? process.env, { PORT: String(options.defaultPort) });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, new FastifyAdapter(), { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  console.log(`${options.service} listening on ${url}`);
  return { app, config, url };
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Serves the gateway's OpenAPI document at `/docs/json` and Swagger UI at `/docs`. */
export function mountOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('MeshMart public API')
    .setDescription('The shopper-facing edge: catalogue, cart, checkout and orders. Errors are application/problem+json (RFC 9457).')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // The mesh's own endpoints (health, metrics) are for operators, not part of the shoppers' API.
  for (const path of Object.keys(document.paths)) if (/^\/(health|metrics)(\/|$)/.test(path)) delete document.paths[path];
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/json' });
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * Where Swagger UI (its assets below it) and the OpenAPI document are served; public like the
 * API, so the deployment's edge policy admits them too (tools/deploy reads this).
 */
export const openApiRoutes = { ui: 'docs', document: 'docs/json' } as const;

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
  SwaggerModule.setup(openApiRoutes.ui, app, document, { jsonDocumentUrl: openApiRoutes.document });
}

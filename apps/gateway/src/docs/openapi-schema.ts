import type { ApiBodyOptions } from '@nestjs/swagger';
import { z } from 'zod';

/** A contracts schema as an OpenAPI 3.0 schema object: the docs say what the validation checks. */
type SchemaObject = Extract<ApiBodyOptions, { schema: unknown }>['schema'];

export function openApiSchema(schema: z.ZodType): SchemaObject {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as SchemaObject;
}

import { Inject, Injectable } from '@nestjs/common';
import type { UpstreamClient } from '../client/upstream-client';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import { MESH_RUNTIME } from '../runtime/tokens';

/**
 * What an app injects to call other services through the mesh.
 * @example const product = await this.mesh.client('inventory-service').get<Product>(`/products/${sku}`);
 */
@Injectable()
export class MeshClient {
  constructor(@Inject(MESH_RUNTIME) private readonly runtime: MeshRuntime) {}

  client(service: string): UpstreamClient {
    return this.runtime.client(service);
  }
}

import type { Product } from '@meshmart/contracts';
import type { MeshClient } from '@meshmart/mesh';

/** Inventory, as the cart sees it: prices and availability, fetched over the mesh. */
export class CatalogueClient {
  constructor(private readonly mesh: MeshClient) {}

  /** The product, or undefined when inventory does not know the sku. */
  async product(sku: string): Promise<Product | undefined> {
    const response = await this.mesh.client('inventory-service').get<Product>(`/products/${encodeURIComponent(sku)}`);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`inventory answered ${response.status} for product ${sku}`);
    return response.body;
  }

  /** The known products among `skus`, by sku. */
  async products(skus: readonly string[]): Promise<Map<string, Product>> {
    const response = await this.mesh.client('inventory-service').get<Product[]>(`/products?skus=${skus.map(encodeURIComponent).join(',')}`);
    if (response.status !== 200) throw new Error(`inventory answered ${response.status} for the products of a cart`);
    return new Map(response.body.map((product) => [product.sku, product]));
  }
}

import { type DataSource, In } from 'typeorm';
import type { Product, UpsertProduct } from '@meshmart/contracts';
import { ProductEntity, productOf } from './product.entity';

/** The product catalogue: what is sold, at what price, and how many units can still be reserved. */
export class CatalogueService {
  constructor(private readonly db: DataSource) {}

  /** Products in sku order: all of them, or those of `skus` that exist. */
  async list(skus?: readonly string[]): Promise<Product[]> {
    if (skus?.length === 0) return [];
    const rows = await this.db.manager.find(ProductEntity, { where: skus ? { sku: In([...skus]) } : {}, order: { sku: 'ASC' } });
    return rows.map(productOf);
  }

  async find(sku: string): Promise<Product | undefined> {
    const row = await this.db.manager.findOneBy(ProductEntity, { sku });
    return row ? productOf(row) : undefined;
  }

  /**
   * Creates the product or replaces its name and price, and sets the units available (an
   * operator's stock count, which supersedes the previous one). One statement, so two
   * operators racing leave one of their versions, never a mix.
   */
  async upsert(sku: string, product: UpsertProduct): Promise<Product> {
    const [row] = (await this.db.query(
      `INSERT INTO products (sku, name, price_minor, currency, available) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, available = EXCLUDED.available, updated_at = now()
       RETURNING sku, name, price_minor AS "priceMinor", currency, available`,
      [sku, product.name, product.price.amountMinor, product.price.currency, product.available],
    )) as ProductEntity[];
    if (!row) throw new Error(`upsert of ${sku} returned no row`);
    return productOf(row);
  }
}

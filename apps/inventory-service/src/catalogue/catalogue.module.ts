import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CatalogueHttpController } from './catalogue.http.controller';
import { CatalogueService } from './catalogue.service';

/** Products, prices and stock levels (`/products`). */
@Module({
  controllers: [CatalogueHttpController],
  providers: [{ provide: CatalogueService, inject: [DataSource], useFactory: (db: DataSource) => new CatalogueService(db) }],
})
export class CatalogueModule {}

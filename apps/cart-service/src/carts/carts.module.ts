import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeshClient } from '@meshmart/mesh';
import { CartsHttpController } from './carts.http.controller';
import { CartsService } from './carts.service';
import { CatalogueClient } from './catalogue.client';
import { OrderFailedKafkaController } from './order-failed.kafka.controller';

/** Carts and checkout (`/carts/:userId`), and the consumer that gives a failed order's lines back. */
@Module({
  controllers: [CartsHttpController, OrderFailedKafkaController],
  providers: [
    { provide: CatalogueClient, inject: [MeshClient], useFactory: (mesh: MeshClient) => new CatalogueClient(mesh) },
    {
      provide: CartsService,
      inject: [DataSource, CatalogueClient, MeshClient],
      useFactory: (db: DataSource, catalogue: CatalogueClient, mesh: MeshClient) => new CartsService(db, catalogue, mesh),
    },
  ],
})
export class CartsModule {}
